// The committed JSON Schema matches the config schema, is valid draft 2020-12, and agrees with the validator.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  JSON_SCHEMA_DIALECT,
  PAVED_SCHEMA_FILE,
  parseConfig,
  renderPavedJsonSchema,
  s,
  toJsonSchema,
} from "@paved/core";

const PLATFORM = `version: 1
nixpkgs: { release: nixos-unstable }
shells:
  default:
    packages: [jq]
    toolchains: { node: { version: "22" } }
    env: { NODE_ENV: development }
ci: { provider: gitlab, steps: { default: [make test] } }
team:
  groups: [ops]
  users:
    alice: { keys: [keys/alice.pub], groups: [ops], expires: 2027-01-31 }
hosts:
  bastion-1: { role: bastion, tags: [eu] }
  runner-1:
    role: ci-runner
    runner: { provider: github, url: "https://github.com/acme", tokenFile: /run/secrets/gh }
roles:
  bastion: { sshAllowFrom: [10.0.0.0/8] }
rollout:
  waves: [{ name: canary, hosts: 1 }, { name: eu, hosts: { tags: [eu] } }, { name: rest, hosts: rest }]
  failureBudget: 5%
  healthChecks: [{ type: http, url: "http://127.0.0.1:9100/metrics", expectStatus: 200 }]
repos: [../api]
`;

function compile() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(PAVED_SCHEMA_FILE, "utf8")));
}

describe("paved.schema.json", () => {
  it("is in sync with the schema (run `pnpm --filter @paved/core gen:schema` after changing it)", () => {
    expect(readFileSync(PAVED_SCHEMA_FILE, "utf8")).toBe(renderPavedJsonSchema());
  });

  it("is a valid draft 2020-12 schema under ajv's strict mode", () => {
    const schema = JSON.parse(readFileSync(PAVED_SCHEMA_FILE, "utf8"));
    expect(schema.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(typeof compile()).toBe("function");
  });

  it("accepts what the validator accepts", () => {
    const validate = compile();
    parseConfig(PLATFORM);
    expect(validate(parse(PLATFORM)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1 })).toBe(true);
  });

  it("rejects unknown keys, wrong enums, bad names and store paths like the validator does", () => {
    const validate = compile();
    const bad = [
      "version: 1\nshells: { default: { pakages: [jq] } }\n",
      "version: 1\nhosts: { b1: { role: bastoin } }\n",
      "version: 1\nhosts: { Bad_Name: { role: staging } }\n",
      "version: 1\nhosts: { r: { role: ci-runner, runner: { provider: github, url: 'https://x', tokenFile: /nix/store/x } } }\n",
      "version: 1\nrollout: { healthChecks: [{ type: http, units: [a] }] }\n",
      "version: 2\n",
      "version: 1\nrollout: { waves: [{ name: a }] }\n",
    ];
    for (const text of bad) {
      expect(() => parseConfig(text), text).toThrow();
      expect(validate(parse(text)), text).toBe(false);
    }
  });

  it("toJsonSchema covers each construct", () => {
    const schema = s.object({
      a: s.int({ min: 1 }).describe("count"),
      b: s.enum(["x", "y"]).default("x"),
      c: s.record(s.boolean(), { keyPattern: /^[a-z]+$/ }).optional(),
      d: s.union([s.int(), s.literal("all")]),
      e: s.discriminated("kind", { one: { n: s.int() } }),
      f: s.array(s.string(), { minItems: 1, unique: true }),
    });
    expect(toJsonSchema(schema, { id: "urn:test" })).toEqual({
      $schema: JSON_SCHEMA_DIALECT,
      $id: "urn:test",
      type: "object",
      properties: {
        a: { description: "count", type: "integer", minimum: 1 },
        b: { enum: ["x", "y"], default: "x" },
        c: { type: "object", propertyNames: { pattern: "^[a-z]+$" }, additionalProperties: { type: "boolean" } },
        d: { anyOf: [{ type: "integer" }, { const: "all" }] },
        e: {
          type: "object",
          required: ["kind"],
          oneOf: [
            {
              type: "object",
              properties: { kind: { const: "one" }, n: { type: "integer" } },
              required: ["kind", "n"],
              additionalProperties: false,
            },
          ],
        },
        f: { type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true },
      },
      required: ["a", "d", "e", "f"],
      additionalProperties: false,
    });
  });
});
