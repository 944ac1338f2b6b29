/**
 * `paved status` for steps 3 and 4, read from a platform repository: which hosts run which roles, whether the
 * roster and host files are rendered and untouched, and which hosts run the baseline, logging and monitoring.
 * It reads files only; whether a host has been deployed is the rollout step's to say.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig, planFiles, type DriftItem, type NextAction, type PavedConfig, type StepReport } from "@paved/core";
import { platformFiles } from "./_commands.ts";
import { hostModules, ROLE_HOST_ROLES } from "./_hosts.ts";

export interface BaselineStatusOptions {
  /** The platform repository (where paved.yaml is). */
  dir: string;
  /** Today, for roster expiry (default: now). */
  today?: Date;
}

function list(names: string[]): string {
  return names.length ? ` — ${names.join(", ")}` : "";
}

async function fileDrift(config: PavedConfig, root: string): Promise<DriftItem[]> {
  let changes;
  try {
    changes = await planFiles(root, await platformFiles(config, root));
  } catch (error) {
    return [
      {
        kind: "render-error",
        subject: "paved.yaml",
        message: (error as Error).message,
        fix: "Fix paved.yaml, then run `paved host add` or `paved team add` again.",
      },
    ];
  }
  const drift: DriftItem[] = [];
  for (const change of changes) {
    if (change.path === "flake.nix") continue; // core reports the platform flake
    if (change.status === "edited" || change.status === "foreign") {
      drift.push({
        kind: "edited-file",
        subject: change.path,
        message: `${change.path} was edited by hand; paved will not overwrite it`,
        fix: "Move the change into paved.yaml, then re-render with --force.",
      });
    } else if (change.status === "create") {
      drift.push({
        kind: "never-rendered",
        subject: change.path,
        message: `${change.path} is missing`,
        fix: "Run `paved host add` or `paved team add` (with --dry-run to preview) to render it.",
      });
    } else if (change.status === "update") {
      drift.push({
        kind: "old-config",
        subject: change.path,
        message: `${change.path} is older than paved.yaml`,
        fix: "Re-render: run any `paved host`/`paved team` command, or `paved team add` again.",
      });
    }
  }
  return drift;
}

export async function baselineStatus(options: BaselineStatusOptions): Promise<StepReport[]> {
  const root = resolve(options.dir);
  const { config } = await loadConfig(root);
  const today = (options.today ?? new Date()).toISOString().slice(0, 10);
  const hosts = Object.entries(config.hosts);
  const roleHosts = hosts.filter(([, h]) => (ROLE_HOST_ROLES as readonly string[]).includes(h.role));
  const bastions = roleHosts.filter(([, h]) => h.role === "bastion").map(([n]) => n);
  const users = Object.entries(config.team?.users ?? {});
  const admins = users.filter(([, u]) => u.groups.includes("wheel")).map(([n]) => n);
  const expired = users.filter(([, u]) => u.expires !== undefined && u.expires < today).map(([n]) => n);
  const drift = await fileDrift(config, root);

  // Step 3: roles and the roster.
  const step3Drift: DriftItem[] = [...drift];
  for (const name of expired) {
    step3Drift.push({
      kind: "expired-user",
      subject: name,
      message: `${name}'s access expired (${config.team!.users[name]!.expires}); the account is locked but still on the roster`,
      fix: `paved team remove ${name}`,
    });
  }
  for (const name of bastions) {
    if ((config.roles.bastion?.sshAllowFrom ?? []).length === 0) {
      step3Drift.push({
        kind: "open-bastion",
        subject: name,
        message: `${name} accepts SSH from anywhere (roles.bastion.sshAllowFrom is empty)`,
        fix: "List the team's networks under roles.bastion.sshAllowFrom in paved.yaml.",
      });
    }
  }
  for (const [name] of roleHosts) {
    if (!existsSync(join(root, "hosts", `${name}-hardware.nix`))) {
      step3Drift.push({
        kind: "no-hardware",
        subject: name,
        message: `hosts/${name}-hardware.nix is missing, so ${name} cannot be built yet`,
        fix: `Run nixos-generate-config --show-hardware-config on ${name} and save it there.`,
      });
    }
  }
  const next3: NextAction[] = [];
  if (admins.length === 0)
    next3.push({
      step: 3,
      title: "Put an administrator on the team roster",
      command: "paved team add YOU --key ~/.ssh/id_ed25519.pub --groups wheel",
    });
  if (bastions.length === 0)
    next3.push({
      step: 3,
      title: "Move the bastion to NixOS first",
      command: "paved host add bastion-1 --role bastion --address HOST",
    });
  else if (!roleHosts.some(([, h]) => h.role !== "bastion"))
    next3.push({
      step: 3,
      title: "Move a staging or internal host next",
      command: "paved host add staging-1 --role staging",
    });
  const byRole = (role: string) => roleHosts.filter(([, h]) => h.role === role).map(([n]) => n);
  const step3: StepReport = {
    step: 3,
    title: "Non-critical roles and the team roster",
    state:
      roleHosts.length === 0 && users.length === 0
        ? "not-started"
        : bastions.length > 0 && admins.length > 0 && step3Drift.length === 0
          ? "done"
          : "in-progress",
    evidence: [
      ...ROLE_HOST_ROLES.filter((r) => byRole(r).length).map((r) => ({
        text: `${r}: ${byRole(r).length} host${byRole(r).length === 1 ? "" : "s"}${list(byRole(r))}`,
        done: byRole(r).length,
        items: byRole(r),
      })),
      {
        text: `Team roster: ${users.length} user${users.length === 1 ? "" : "s"}, ${admins.length} in wheel${expired.length ? `, ${expired.length} expired` : ""}`,
        done: users.length - expired.length,
        total: users.length,
        items: users.map(([n]) => n),
      },
    ],
    drift: step3Drift,
    next: next3,
  };

  // Step 4: which hosts run which of paved's modules.
  const modules = hosts.map(([name, host]) => [name, hostModules(host, config)] as const);
  const running = (m: "baseline" | "logging" | "monitoring") => modules.filter(([, on]) => on[m]).map(([n]) => n);
  const evidence = (["baseline", "logging", "monitoring"] as const).map((m) => ({
    text: `${m}: ${running(m).length} of ${hosts.length} hosts${list(running(m))}`,
    done: running(m).length,
    total: hosts.length,
    items: running(m),
  }));
  const next4: NextAction[] = [];
  const without = (m: "logging" | "monitoring") => [
    ...new Set(hosts.filter(([n]) => !running(m).includes(n)).map(([, h]) => h.role)),
  ];
  if (hosts.length && without("logging").length)
    next4.push({
      step: 4,
      title: `Ship logs from ${without("logging").join(", ")} hosts: set roles.<role>.modules.logging and roles.<role>.logging.sink in paved.yaml`,
    });
  if (hosts.length && without("monitoring").length)
    next4.push({
      step: 4,
      title: `Monitor ${without("monitoring").join(", ")} hosts: set roles.<role>.modules.monitoring and roles.<role>.monitoring.allowFrom in paved.yaml`,
    });
  const all = (m: "baseline" | "logging" | "monitoring") => hosts.length > 0 && running(m).length === hosts.length;
  const step4: StepReport = {
    step: 4,
    title: "Reusable modules: security baseline, logging, monitoring",
    state:
      running("baseline").length === 0
        ? "not-started"
        : all("baseline") && all("logging") && all("monitoring")
          ? "done"
          : "in-progress",
    evidence,
    drift: [],
    next: next4,
  };
  return [step3, step4];
}
