// The schema language on its own: each type's accept/reject rules, messages, defaults and inferred types.
import { describe, expect, it } from "vitest";
import {
  assertSecretPath,
  didYouMean,
  editDistance,
  looksLikeSecret,
  notSecret,
  s,
  validate,
  type Infer,
} from "@paved/core";
import { isPavedError, type PavedError } from "../src/errors.ts";

function issues(schema: Parameters<typeof validate>[0], value: unknown) {
  const result = validate(schema, value);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.issues;
}

describe("schema language", () => {
  it("object is strict and suggests the nearest key", () => {
    const schema = s.object({ packages: s.array(s.string()), dir: s.string().optional() });
    const [issue, ...rest] = issues(schema, { pakages: [], packages: [] });
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      path: ["pakages"],
      at: "key",
      found: 'unknown key "pakages"',
      suggestion: "packages",
    });
  });

  it("collects every problem, not just the first", () => {
    const schema = s.object({ a: s.int(), b: s.boolean(), c: s.string() });
    expect(issues(schema, { a: "x", b: 1 }).map((i) => i.path.join("."))).toEqual(["a", "b", "c"]);
  });

  it("missing required key says so", () => {
    expect(issues(s.object({ role: s.enum(["bastion", "staging"]) }), {})).toEqual([
      { path: ["role"], expected: "one of bastion, staging", found: "nothing (the key is missing)" },
    ]);
  });

  it("string pattern and length", () => {
    const schema = s.string({ pattern: /^[a-z]+$/, expected: "lower-case letters" });
    expect(validate(schema, "abc")).toEqual({ ok: true, value: "abc" });
    expect(issues(schema, "ABC")[0]).toMatchObject({ expected: "lower-case letters", found: '"ABC"' });
    expect(issues(schema, 12)[0]!.found).toBe("number 12 (quote it to make it a string)");
    expect(issues(s.string({ minLength: 1 }), "")[0]!.expected).toBe("a non-empty string");
  });

  it("numbers: int and ranges", () => {
    const schema = s.int({ min: 1, max: 64 });
    expect(validate(schema, 64)).toEqual({ ok: true, value: 64 });
    expect(issues(schema, 65)[0]).toMatchObject({ expected: "an integer from 1 to 64", found: "number 65" });
    expect(issues(schema, 1.5)[0]!.found).toBe("number 1.5");
    expect(validate(s.number({ min: 0 }), 0.5)).toEqual({ ok: true, value: 0.5 });
    expect(issues(s.number(), Number.NaN)).toHaveLength(1);
  });

  it("boolean does not accept yes/no strings", () => {
    expect(validate(s.boolean(), false)).toEqual({ ok: true, value: false });
    expect(issues(s.boolean(), "yes")[0]).toMatchObject({ expected: "true or false", found: '"yes"' });
  });

  it("enum suggests a close value, including swapped letters", () => {
    const schema = s.enum(["bastion", "staging", "internal", "ci-runner"]);
    expect(issues(schema, "bastoin")[0]).toMatchObject({
      expected: "one of bastion, staging, internal, ci-runner",
      suggestion: "bastion",
    });
    expect(issues(schema, "zzzzzz")[0]!.suggestion).toBeUndefined();
  });

  it("array: items, minItems and unique", () => {
    const schema = s.array(s.string(), { minItems: 1, unique: true });
    expect(issues(schema, [])[0]).toMatchObject({ expected: "a list with at least 1 entry", found: "an empty list" });
    expect(issues(schema, ["a", "a"])[0]).toMatchObject({ path: [1], found: '"a"' });
    expect(issues(schema, ["a", 2])[0]!.path).toEqual([1]);
    expect(issues(schema, "a")[0]!.found).toBe('"a"');
  });

  it("record: key pattern, fixed keys with did-you-mean, values", () => {
    const byPattern = s.record(s.int(), { keyPattern: /^[a-z]+$/, keyExpected: "a lower-case name" });
    expect(issues(byPattern, { Ab: 1 })[0]).toMatchObject({
      path: ["Ab"],
      at: "key",
      expected: "a lower-case name",
      found: 'key "Ab"',
    });
    expect(issues(byPattern, { ab: "x" })[0]!.path).toEqual(["ab"]);
    const byKeys = s.record(s.string(), { keys: ["node", "python"] });
    expect(issues(byKeys, { nodee: "22" })[0]!.suggestion).toBe("node");
    // __proto__ is data, not a prototype switch
    const parsed = validate(s.record(s.int()), JSON.parse('{"__proto__": 1}'));
    expect(parsed.ok && Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
  });

  it("optional and default", () => {
    const schema = s.object({
      a: s.int().optional(),
      b: s.int().default(5),
      c: s.object({ d: s.boolean().default(true) }).default({}),
    });
    expect(validate(schema, {})).toEqual({ ok: true, value: { b: 5, c: { d: true } } });
    const first = validate(schema, {});
    if (first.ok) first.value.c.d = false;
    expect(validate(schema, {})).toEqual({ ok: true, value: { b: 5, c: { d: true } } });
  });

  it("union reports the deeper problem when only one branch fits the shape", () => {
    const schema = s.union([s.int({ min: 1 }), s.literal("rest"), s.object({ tags: s.array(s.string()) })]);
    expect(validate(schema, "rest")).toEqual({ ok: true, value: "rest" });
    expect(issues(schema, { tgas: [] })[0]).toMatchObject({ path: ["tgas"], suggestion: "tags" });
    expect(issues(schema, "all")[0]).toMatchObject({ path: [], expected: 'an integer >= 1 or "rest" or a map' });
  });

  it("maps are plain maps: YAML binary data is not a map", () => {
    const binary = new Uint8Array([1, 2]);
    expect(issues(s.object({ a: s.int().optional() }), binary)).toEqual([
      { path: [], expected: "a map", found: "binary data" },
    ]);
    expect(issues(s.discriminated("type", { http: { url: s.string() } }), binary)[0]).toMatchObject({
      path: [],
      found: "binary data",
    });
    expect(issues(s.object({ m: s.object({}) }), { m: binary })[0]).toMatchObject({
      path: ["m"],
      expected: "a map",
      found: "binary data",
    });
  });

  it("discriminated union checks only the chosen variant", () => {
    const schema = s.discriminated("type", { http: { url: s.string() }, systemd: { units: s.array(s.string()) } });
    expect(validate(schema, { type: "http", url: "http://x" })).toEqual({
      ok: true,
      value: { type: "http", url: "http://x" },
    });
    expect(issues(schema, { type: "htp", url: "x" })[0]).toMatchObject({ path: ["type"], suggestion: "http" });
    expect(issues(schema, { type: "systemd", url: "x" }).map((i) => i.path.join("."))).toEqual(["url", "units"]);
  });

  it("refine and refineWith", () => {
    const even = s.int().refine((n) => n % 2 === 0, "an even number");
    expect(issues(even, 3)[0]).toMatchObject({ expected: "an even number", found: "number 3" });
    const pair = s.object({ a: s.int(), b: s.int() }).refineWith((v, report) => {
      if (v.a > v.b) report(["b"], `a number >= a (${v.a})`, String(v.b));
    });
    expect(issues(pair, { a: 2, b: 1 })[0]).toMatchObject({ path: ["b"], expected: "a number >= a (2)" });
    // modifiers return copies: the shared base schema is unchanged
    expect(validate(s.int(), 3).ok).toBe(true);
  });

  it("describe() ends up in the JSON Schema", () => {
    expect(s.int().describe("how many").toJsonSchema()).toEqual({ description: "how many", type: "integer" });
  });

  it("infers static types", () => {
    const schema = s.object({
      role: s.enum(["bastion", "staging"]),
      count: s.int().default(1),
      address: s.string().optional(),
      check: s.discriminated("type", { http: { url: s.string() } }),
    });
    type T = Infer<typeof schema>;
    const value: T = { role: "bastion", count: 1, check: { type: "http", url: "u" } };
    // @ts-expect-error role is a closed set
    const wrong: T = { role: "nope", count: 1, check: { type: "http", url: "u" } };
    void wrong;
    const result = validate(schema, value);
    expect(result.ok && result.value.role).toBe("bastion");
  });
});

describe("did you mean", () => {
  it("edit distance counts a swap as one edit", () => {
    expect(editDistance("bastoin", "bastion")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
  it("suggests only plausible typos", () => {
    expect(didYouMean("pakages", ["packages", "dir"])).toBe("packages");
    expect(didYouMean("x", ["packages"])).toBeUndefined();
  });
});

describe("secrets", () => {
  const token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
  it("recognises token shapes and high-entropy strings, not paths or words", () => {
    for (const secret of [
      token,
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
      "glrt-2CR8_eVxiioB1QmzPZwa",
      "glpat-abcdefghij0123456789",
      "xoxb-1234567890-abcdefghij",
      "-----BEGIN OPENSSH PRIVATE KEY-----",
      "q8Zr3LmP0xV7kT2nW9cY4bH6jF1sD5gA",
    ]) {
      expect(looksLikeSecret(secret), secret).toBe(true);
    }
    for (const fine of [
      "/run/secrets/github-runner-token",
      "hello world",
      "production",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "3f786850e387550fdab836ed7e6dc881de23001b",
      "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN7mIBuPNmDBkGvyVsN/pKd9MnLQpOVyd1KwipoevVqV a@b",
    ]) {
      expect(looksLikeSecret(fine), fine).toBe(false);
    }
  });

  it("secretPath accepts absolute paths outside the store and masks literals", () => {
    expect(validate(s.secretPath(), "/run/secrets/token")).toEqual({ ok: true, value: "/run/secrets/token" });
    const [literal] = issues(s.secretPath(), token);
    expect(literal).toMatchObject({ code: "E_SECRET_LITERAL", found: "what looks like a literal secret (ghp_…)" });
    expect(JSON.stringify(literal)).not.toContain(token.slice(4));
    expect(issues(s.secretPath(), "secrets/token")[0]!.code).toBeUndefined();
    expect(issues(s.secretPath(), "/nix/store/abc-token")[0]!.found).toContain("world-readable");
  });

  it("notSecret refuses a token in a plain string", () => {
    expect(issues(notSecret(s.string()), token)[0]!.code).toBe("E_SECRET_LITERAL");
    expect(validate(notSecret(s.string()), "info").ok).toBe(true);
  });

  it("assertSecretPath throws for flags without echoing the token", () => {
    expect(assertSecretPath("/run/secrets/t", "--token-file")).toBe("/run/secrets/t");
    let caught: unknown;
    try {
      assertSecretPath(token, "--token-file");
    } catch (error) {
      caught = error;
    }
    expect(isPavedError(caught, "E_SECRET_LITERAL")).toBe(true);
    const error = caught as PavedError;
    expect(error.message).toContain("--token-file");
    expect(JSON.stringify({ ...error.toJSON(), message: error.message, hint: error.hint })).not.toContain(
      token.slice(4),
    );
    expect(() => assertSecretPath("relative/path", "--token-file")).toThrow(/absolute path/);
  });
});
