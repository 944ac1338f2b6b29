// The team binary cache for real (issue 19): a file:// cache written by `nix copy`, served over HTTP on 127.0.0.1,
// signed with `nix key generate-secret`. A second Nix store substitutes from it and refuses unsigned and wrongly
// signed paths; a rollout pushes each new closure once and the fleet's hosts — each with its own Nix store —
// substitute their systems from it, while the journal counts the bytes this machine sent.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { applyRollout, copiedPaths, readJournal, rolloutStatus } from "@paved/rollout";
import { fixtureNixpkgs, nixTestEnv } from "@paved/fixtures";
import { makeSigningKey, serveCache, type ServedCache, type SigningKey } from "../../../fixtures/cache.ts";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { requireTools, TOOLS } from "./_helpers.ts";

const NIX = ["--extra-experimental-features", "nix-command flakes"];
const nix = (args: string[]) =>
  execFileSync("nix", [...NIX, ...args], { env: nixTestEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * Substitutes `path` into a fresh chroot store from `url`, trusting only `publicKey`. Asynchronous: the cache's
 * HTTP server runs in this process and must keep answering.
 */
function substitute(
  url: string,
  publicKey: string,
  path: string,
): Promise<{ ok: boolean; store: string; stderr: string }> {
  const store = mkdtempSync(join(tmpdir(), "paved-second-store-"));
  const argv = [
    "--store",
    store,
    "--realise",
    path,
    "--option",
    "substituters",
    url,
    "--option",
    "trusted-public-keys",
    publicKey,
    "--option",
    "require-sigs",
    "true",
  ];
  return new Promise((resolve) => {
    execFile("nix-store", argv, { env: nixTestEnv(), timeout: 120_000 }, (error, _stdout, stderr) => {
      resolve({ ok: !error && existsSync(join(store, path)), store, stderr: stderr.toString() });
    });
  });
}

describe("a signed binary cache over HTTP", () => {
  let team: SigningKey;
  let intruder: SigningKey;
  let path: string;
  const servers: ServedCache[] = [];

  beforeAll(async () => {
    requireTools("nix", "nix-store");
    team = makeSigningKey("team-cache-1");
    intruder = makeSigningKey("intruder-1");
    // An input-addressed build output (content-addressed paths need no signature, so they would prove nothing).
    path = (
      JSON.parse(nix(["build", "--no-link", "--json", `path:${await fixtureNixpkgs()}#hello`])) as {
        outputs: { out: string };
      }[]
    )[0]!.outputs.out;
  });
  afterAll(async () => Promise.all(servers.map((s) => s.stop())));

  async function cacheWith(secretKeyFile?: string): Promise<ServedCache> {
    const served = await serveCache();
    servers.push(served);
    nix(["copy", "--to", `file://${served.dir}${secretKeyFile ? `?secret-key=${secretKeyFile}` : ""}`, path]);
    return served;
  }

  it("a second store substitutes a path signed with the team's key, fetched over HTTP", async () => {
    const served = await cacheWith(team.secretFile);
    const r = await substitute(served.url, team.publicKey, path);
    expect(r.stderr).not.toMatch(/not signed/);
    expect(r.ok).toBe(true);
    expect(served.hits).toContain("/nix-cache-info");
    expect(served.hits.some((h) => h.endsWith(".narinfo"))).toBe(true);
    expect(served.narBytes()).toBeGreaterThan(0);
  });

  it("refuses an unsigned path", async () => {
    const served = await cacheWith();
    const r = await substitute(served.url, team.publicKey, path);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/not signed by any of the keys|lacks a valid signature/);
    expect(served.narBytes()).toBe(0);
  });

  it("refuses a path signed with another key", async () => {
    const served = await cacheWith(intruder.secretFile);
    const r = await substitute(served.url, team.publicKey, path);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/not signed by any of the keys|lacks a valid signature/);
    // The same cache is fine for a store that trusts that key: the refusal is about the key, not the cache.
    expect((await substitute(served.url, intruder.publicKey, path)).ok).toBe(true);
  });
});

describe("rollout apply with a team cache: push once, hosts substitute", () => {
  const HOSTS = ["a", "b", "c"];
  let served: ServedCache;
  let key: SigningKey;
  let withCache: Fleet;
  let without: Fleet;

  beforeAll(async () => {
    requireTools(...TOOLS);
    process.env.NIX_CONFIG = "substituters =\nexperimental-features = nix-command flakes";
    key = makeSigningKey("team-cache-1");
    served = await serveCache();
    const hostNixConf = `substituters = ${served.url}\ntrusted-public-keys = ${key.publicKey}\nrequire-sigs = true\n`;
    withCache = await startFleet({
      hosts: HOSTS.map((name) => ({ name })),
      hostStores: true,
      hostNixConf,
      shared: true,
    });
    withCache.writeConfig({ waves: [{ name: "all", hosts: "rest" }] });
    const file = join(withCache.dir, "paved.yaml");
    const config = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    config.cache = {
      kind: "hosted",
      url: served.url,
      publicKey: key.publicKey,
      push: { to: `file://${served.dir}`, signingKeyFile: key.secretFile },
    };
    writeFileSync(file, stringify(config));
    without = await startFleet({ hosts: HOSTS.map((name) => ({ name })), hostStores: true, shared: true });
    without.writeConfig({ waves: [{ name: "all", hosts: "rest" }] });
  });
  afterAll(async () => {
    await withCache?.stop();
    await without?.stop();
    await served?.stop();
  });

  it("pushes the new closure to the cache once, signed, and every host fetches it from there", async () => {
    const result = await applyRollout({ dir: withCache.dir });
    expect(
      result.outcome,
      JSON.stringify(Object.values(result.state.hosts).map((h) => (h as { message?: string }).message)),
    ).toBe("succeeded");
    const target = withCache.targetPath("a");
    const journal = readJournal(withCache.dir, result.id);
    const pushes = journal.filter((r) => r.type === "cache");
    expect(pushes).toHaveLength(1);
    // What was pushed is the target's closure, weighed by Nix.
    const closure = JSON.parse(nix(["path-info", "--json", "-S", target])) as unknown;
    const closureSize = Array.isArray(closure)
      ? (closure[0] as { closureSize: number }).closureSize
      : (Object.values(closure as object)[0] as { closureSize: number }).closureSize;
    expect(pushes[0]).toMatchObject({ type: "cache", to: `file://${served.dir}`, bytes: closureSize });
    // Signed with this run's team key: the whole closure in the cache verifies against its public key alone.
    nix([
      "store",
      "verify",
      "--store",
      `file://${served.dir}`,
      "--trusted-public-keys",
      key.publicKey,
      "--recursive",
      "--no-contents",
      target,
    ]);
    const other = makeSigningKey("team-cache-1");
    expect(() =>
      nix([
        "store",
        "verify",
        "--store",
        `file://${served.dir}`,
        "--trusted-public-keys",
        other.publicKey,
        "--recursive",
        "--no-contents",
        target,
      ]),
    ).toThrow();
    // Each host's own store got the system from the cache; this machine sent the hosts nothing.
    for (const host of HOSTS) {
      expect(existsSync(join(withCache.dir, "hosts", host, "store", target))).toBe(true);
      expect(withCache.inspect(host).path).toBe(target);
    }
    expect(result.state.bytesSent).toEqual({ cache: closureSize, hosts: 0 });
    // Step 5 of `paved status` counts it, from the journal.
    const report = await rolloutStatus({ dir: withCache.dir });
    expect(report.evidence.find((e) => e.text.startsWith("Team cache:"))?.text).toMatch(
      /pushed .* to it once; hosts substituted from it, 0 B sent to them directly/,
    );
    expect(served.narBytes()).toBeGreaterThanOrEqual(closureSize / 2);
  });

  it("without a cache, this machine sends the closure to every host", async () => {
    const result = await applyRollout({ dir: without.dir });
    expect(result.outcome).toBe("succeeded");
    const target = without.targetPath("a");
    const closure = JSON.parse(nix(["path-info", "--json", "-S", target])) as unknown;
    const closureSize = Array.isArray(closure)
      ? (closure[0] as { closureSize: number }).closureSize
      : (Object.values(closure as object)[0] as { closureSize: number }).closureSize;
    expect(readJournal(without.dir, result.id).some((r) => r.type === "cache")).toBe(false);
    expect(result.state.bytesSent).toEqual({ cache: 0, hosts: HOSTS.length * closureSize });
  });
});

describe("what nix copy says it sent", () => {
  it("counts paths sent to the destination, not paths the destination substituted from its cache", () => {
    const p = (h: string) => `/nix/store/${h.repeat(32)}-x`;
    const stderr = [
      `copying 2 paths...`,
      // Nix 2.8 and 2.26, from the local store and from a build host
      `copying path '${p("a")}' to 'ssh://root@10.0.0.1'...`,
      `copying path '${p("b")}' from 'ssh-ng://root@builder' to 'ssh://root@10.0.0.1'...`,
      // the host's own substitution, forwarded over SSH: not sent by this machine
      `copying path '${p("c")}' from 'http://cache.internal:5000'...`,
    ].join("\n");
    expect(copiedPaths(stderr)).toEqual([p("a"), p("b")]);
  });
});
