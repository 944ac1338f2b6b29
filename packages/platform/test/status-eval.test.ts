// Steps 3-4 of `paved status` proven by evaluating the example platform's hosts with real `nix eval` against the
// fixture nixpkgs and paved's real NixOS modules: every "on" comes from the evaluation, and what paved.yaml asks
// for but the evaluation lacks is drift.
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { renderHardwareStarter } from "@paved/core";
import { evaluateHosts, migrationStatus, type MigrationStatus } from "@paved/platform";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { paved } from "../../../apps/cli/test/_cli.ts";
import { copyOrg, git } from "../../../apps/cli/test/_org.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
});

/** paved's own flake as a team would fetch it: the root flake.nix and the NixOS modules it exports. */
async function pavedFlake(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-self-"));
  await cp(join(REPO, "flake.nix"), join(dir, "flake.nix"));
  for (const pkg of ["ci-runner", "baseline"])
    await cp(join(REPO, "packages", pkg, "nix"), join(dir, "packages", pkg, "nix"), { recursive: true });
  return dir;
}

// Every role asks for logging and monitoring, ci-runner included.
const ROLES = ["bastion", "staging", "internal", "ci-runner"]
  .map(
    (role) =>
      `  ${role}:\n${role === "bastion" ? "    sshAllowFrom: [203.0.113.0/24]\n" : ""}    modules: { logging: true, monitoring: true }\n    logging:\n      sink: { type: loki, url: https://loki.acme.example:3100 }\n    monitoring:\n      allowFrom: [10.20.0.5/32]\n`,
  )
  .join("");

async function platformRepo(): Promise<{ platform: string; nixArgs: string[]; env: NodeJS.ProcessEnv }> {
  const org = await copyOrg();
  const platform = join(org, "platform");
  const yaml = await readFile(join(platform, "paved.yaml"), "utf8");
  await writeFile(
    join(platform, "paved.yaml"),
    yaml.replace("roles:\n  bastion:\n    sshAllowFrom: [203.0.113.0/24]\n", `roles:\n${ROLES}`),
  );
  const init = await paved(["init", "--platform", "--dir", platform]);
  expect(init.code, init.stderr).toBe(0);
  const env = { ...nixTestEnv(), PAVED_CACHE_DIR: await mkdtemp(join(tmpdir(), "paved-cache-")) };
  const nixArgs = [
    "--override-input",
    "nixpkgs",
    `path:${await fixtureNixpkgs()}`,
    "--override-input",
    "paved",
    `path:${await pavedFlake()}`,
  ];
  return { platform, nixArgs, env };
}

const step = (status: MigrationStatus, n: number) => status.steps.find((s) => s.step === n)!;

describe("status proven by evaluation", () => {
  it("says done for steps 3-4 only when every evaluated host has the modules, and names what the evaluation lacks as drift", async () => {
    const { platform, nixArgs, env } = await platformRepo();
    const status = await migrationStatus({ dir: platform, nixArgs, env });
    const four = step(status, 4);
    expect(four.evidence[0]!.text).toMatch(/^Evaluated: 4 of 4 hosts run the baseline, logging and monitoring/);
    expect(four.evidence.map((e) => e.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^logging: 4 of 4 hosts/),
        expect.stringMatching(/^monitoring: 4 of 4 hosts/),
      ]),
    );
    expect(four.state).toBe("done");
    expect(step(status, 3).evidence[0]!.text).toMatch(/^Evaluated: 3 of 3 role hosts hardened/);
    expect(status.drift.filter((d) => d.kind === "not-in-evaluation")).toEqual([]);

    // Hand-written overrides turn Vector and the node exporter off on wiki-1: paved.yaml still asks for both.
    const hardware = join(platform, "hosts/wiki-1-hardware.nix");
    await writeFile(
      hardware,
      (await readFile(hardware, "utf8"))
        .replace("{ ... }:", "{ lib, ... }:")
        .replace(
          /}\s*$/,
          "  services.vector.enable = lib.mkForce false;\n  services.prometheus.exporters.node.enable = lib.mkForce false;\n}\n",
        ),
    );
    const broken = await migrationStatus({ dir: platform, nixArgs, env });
    expect(step(broken, 4).state).toBe("in-progress");
    expect(step(broken, 4).evidence.find((e) => e.text.startsWith("logging:"))!.text).toMatch(/^logging: 3 of 4 hosts/);
    expect(broken.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "not-in-evaluation",
          subject: "wiki-1",
          message: expect.stringMatching(
            /^logging on wiki-1: paved\.yaml asks for it, but the evaluated configuration lacks log shipping/,
          ),
        }),
      ]),
    );
    expect(broken.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "not-in-evaluation",
          subject: "wiki-1",
          message: expect.stringMatching(/^monitoring on wiki-1: /),
        }),
      ]),
    );
    expect(broken.attention).toBe(true);
  });

  it("evaluates all hosts once and caches by input hash; any input change evaluates again", async () => {
    const { platform, nixArgs, env } = await platformRepo();
    const first = await evaluateHosts(platform, { nixArgs, env });
    expect(first.error).toBeUndefined();
    expect(first.cached).toBe(false);
    expect(Object.keys(first.hosts).sort()).toEqual(["bastion-1", "ci-1", "staging-1", "wiki-1"]);
    expect(first.hosts["ci-1"]).toMatchObject({
      vector: true,
      nodeExporter: true,
      stateVersion: "26.05",
      sshd: true,
      passwordAuthentication: false,
    });
    expect(first.hosts["bastion-1"]!.users).toEqual(expect.arrayContaining(["alice"]));
    const again = await evaluateHosts(platform, { nixArgs, env });
    expect(again.cached).toBe(true);
    expect(again.hosts).toEqual(first.hosts);
    await writeFile(
      join(platform, "hosts/staging-1-hardware.nix"),
      `${await readFile(join(platform, "hosts/staging-1-hardware.nix"), "utf8")}\n`,
    );
    expect((await evaluateHosts(platform, { nixArgs, env })).cached).toBe(false);
  });

  it("flags a missing or empty hardware file on every host, runners included, and never says done without an evaluation", async () => {
    const { platform, env } = await platformRepo();
    await writeFile(join(platform, "hosts/staging-1-hardware.nix"), renderHardwareStarter("staging-1"));
    git(platform, "rm", "-q", "--cached", "hosts/ci-1-hardware.nix");
    const { rm } = await import("node:fs/promises");
    await rm(join(platform, "hosts/ci-1-hardware.nix"));
    // No flake.lock and no overrides: nothing is evaluated, so nothing in steps 3-4 is done.
    const status = await migrationStatus({ dir: platform, env });
    const hardware = status.drift.filter((d) => d.kind === "no-hardware");
    expect(hardware.map((d) => [d.subject, d.message])).toEqual(
      expect.arrayContaining([
        ["staging-1", expect.stringContaining("is empty")],
        ["ci-1", expect.stringContaining("is missing")],
      ]),
    );
    expect(hardware.map((d) => d.subject).sort()).toEqual(["ci-1", "staging-1"]);
    expect(step(status, 3).state).not.toBe("done");
    expect(step(status, 4).state).not.toBe("done");
    expect(step(status, 4).evidence.some((e) => e.text.startsWith("not proven: flake.lock is missing"))).toBe(true);
    expect(step(status, 4).evidence[0]!.text).toMatch(/^Evaluated: 0 of 4 hosts/);
  });
});
