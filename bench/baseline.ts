import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { evalNixosExpression } from "../packages/baseline/src/_eval.ts";
import { raw } from "../packages/core/src/index.ts";
import { fixtureNixpkgs, nixTestEnv } from "../fixtures/index.ts";
import { ratioLine, sideBySide } from "./_measure.ts";

const bin = fileURLToPath(new URL("../apps/cli/bin/paved.cjs", import.meta.url));
const BOOT = `{ fileSystems."/".device = "/dev/sda1"; boot.loader.grub.device = "/dev/sda"; users.allowNoPasswordLogin = true; }`;
const TEAM = `{ paved.team.users.alice = { keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtGnh5ruwn7K2y8pMkbJXnAo2ZTFCeF5BD8wBX7fR4H a" ]; groups = [ "wheel" ]; }; }`;

/**
 * Steps 3-4: what paved's modules add to a host's evaluation (bastion + logging + monitoring against a bare
 * NixOS system of the fixture, both real `nix eval` of the toplevel), and what `paved host add --dry-run` costs
 * over CLI start-up.
 */
export async function benchBaseline(): Promise<string[]> {
  const nixpkgs = await fixtureNixpkgs();
  const env = nixTestEnv();
  const evalOf = (modules: string[]) => [
    "nix",
    "eval",
    "--impure",
    "--raw",
    "--expr",
    evalNixosExpression({
      nixpkgs,
      modules: modules.map(raw),
      select: raw("s: s.config.system.build.toplevel.drvPath"),
    }),
  ];
  const all = `{ imports = [ paved.default ]; paved.bastion.enable = true; paved.logging = { enable = true; sink.url = "http://loki:3100"; }; paved.monitoring.enable = true; }`;
  const [withPaved, bare] = sideBySide(
    [
      { label: "bastion+logging+monitoring host", argv: evalOf([BOOT, TEAM, all]), env },
      { label: "bare host", argv: evalOf([BOOT]), env },
    ],
    { runs: 7, warmup: 1 },
  );
  const repo = mkdtempSync(join(tmpdir(), "paved-bench-platform-"));
  writeFileSync(join(repo, "paved.yaml"), "version: 1\nroles:\n  bastion:\n    sshAllowFrom: [10.0.0.0/8]\n");
  const [hostAdd, version] = sideBySide(
    [
      {
        label: "paved host add --dry-run",
        argv: [process.execPath, bin, "host", "add", "b1", "--role", "bastion", "--dry-run", "-C", repo],
      },
      { label: "paved --version", argv: [process.execPath, bin, "--version"] },
    ],
    { runs: 15 },
  );
  return [ratioLine("module evaluation", withPaved!, bare!, "< 3x"), ratioLine("host add", hostAdd!, version!, "< 3x")];
}
