// Step 3 and 4 status from a platform repository on disk.
import { execFileSync } from "node:child_process";
import { appendFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { baselineStatus, hostAdd, teamAdd } from "@paved/baseline";

let keys: string;
beforeAll(async () => {
  requireTool("ssh-keygen");
  keys = await mkdtemp(join(tmpdir(), "paved-status-keys-"));
  for (const name of ["alice", "eve"])
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(keys, name)]);
});

async function platform(yaml: string): Promise<string> {
  const repo = await mkdtemp(join(tmpdir(), "paved-status-"));
  await writeFile(join(repo, "paved.yaml"), yaml);
  return repo;
}

describe("baselineStatus", () => {
  it("reports not started for an empty platform repository, pointing at the bastion", async () => {
    const [step3, step4] = await baselineStatus({ dir: await platform("version: 1\n") });
    expect(step3).toMatchObject({ step: 3, state: "not-started" });
    expect(step3!.next.map((n) => n.command)).toEqual([
      "paved team add YOU --key ~/.ssh/id_ed25519.pub --groups wheel",
      "paved host add bastion-1 --role bastion --address HOST",
    ]);
    expect(step4).toMatchObject({ step: 4, state: "not-started" });
  });

  it("shows roles, roster and modules, and the drift a person must fix", async () => {
    const repo = await platform(
      "version: 1\nteam:\n  groups: [ops]\nroles:\n  bastion:\n    sshAllowFrom: [10.0.0.0/8]\n    modules: { logging: true }\n    logging: { sink: { url: 'https://loki:3100' } }\n",
    );
    await teamAdd({ dir: repo, user: "alice", keyFile: join(keys, "alice.pub"), groups: ["wheel"] });
    await teamAdd({ dir: repo, user: "eve", keyFile: join(keys, "eve.pub"), expires: "2026-01-31" });
    await hostAdd({ dir: repo, name: "bastion-1", role: "bastion" });
    await hostAdd({ dir: repo, name: "wiki", role: "internal" });
    await writeFile(join(repo, "hosts/bastion-1-hardware.nix"), "{ }\n");
    await appendFile(join(repo, "hosts/wiki.nix"), "# hand edit\n");

    const [step3, step4] = await baselineStatus({ dir: repo, today: new Date("2026-11-25T12:00:00Z") });
    expect(step3!.state).toBe("in-progress");
    expect(step3!.evidence.map((e) => e.text)).toEqual([
      "bastion: 1 host — bastion-1",
      "internal: 1 host — wiki",
      "Team roster: 2 users, 1 in wheel, 1 expired",
    ]);
    expect(step3!.drift.map((d) => `${d.kind}:${d.subject}`).sort()).toEqual([
      "edited-file:hosts/wiki.nix",
      "expired-user:eve",
      "no-hardware:wiki",
    ]);
    expect(step3!.drift.find((d) => d.kind === "expired-user")!.fix).toBe("paved team remove eve");

    expect(step4!.state).toBe("in-progress");
    expect(step4!.evidence.map((e) => e.text)).toEqual([
      "baseline: 2 of 2 hosts — bastion-1, wiki",
      "logging: 1 of 2 hosts — bastion-1",
      "monitoring: 0 of 2 hosts",
    ]);
    expect(step4!.next.map((n) => n.title)).toEqual([
      "Ship logs from internal hosts: set roles.<role>.modules.logging and roles.<role>.logging.sink in paved.yaml",
      "Monitor bastion, internal hosts: set roles.<role>.modules.monitoring and roles.<role>.monitoring.allowFrom in paved.yaml",
    ]);
  });

  it("is done once a bastion, an administrator and clean files are there", async () => {
    const repo = await platform("version: 1\nroles:\n  bastion:\n    sshAllowFrom: [10.0.0.0/8]\n");
    await teamAdd({ dir: repo, user: "alice", keyFile: join(keys, "alice.pub"), groups: ["wheel"] });
    await hostAdd({ dir: repo, name: "bastion-1", role: "bastion" });
    await writeFile(join(repo, "hosts/bastion-1-hardware.nix"), "{ }\n");
    const [step3] = await baselineStatus({ dir: repo });
    expect(step3!.drift).toEqual([]);
    expect(step3!.state).toBe("done");
  });
});
