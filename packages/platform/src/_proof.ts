/**
 * Steps 3 and 4 judged from the evaluated hosts (see _evaluate.ts), not from paved.yaml. The baseline package's
 * report keeps what only files can tell (the roster, rendered host files, expiries); every "on" and every
 * "done" here comes from the evaluation, and what paved.yaml asks for but the evaluation lacks is drift.
 * Hardware files are checked for every host, whatever its role.
 */
import {
  hardwareFile,
  hostModules,
  type DriftItem,
  type PavedConfig,
  type StepEvidence,
  type StepReport,
  type StepState,
} from "@paved/core";
import type { Evaluation, HostFacts } from "./_evaluate.ts";
import { readHardware } from "./_readiness.ts";

type Module = "baseline" | "logging" | "monitoring";
const MODULES: Module[] = ["baseline", "logging", "monitoring"];

/** The module is really on in the evaluated configuration. */
export function moduleOn(module: Module, facts: HostFacts): boolean {
  if (module === "baseline")
    return facts.sshd && facts.passwordAuthentication === false && facts.permitRootLogin !== "yes" && facts.firewall;
  if (module === "logging") return facts.vector || facts.alloy;
  return facts.nodeExporter;
}

const WHAT: Record<Module, string> = {
  baseline: "the baseline (sshd without passwords or root password logins, the firewall on)",
  logging: "log shipping (Vector or Alloy)",
  monitoring: "the node exporter",
};

const names = (list: string[]) => (list.length ? ` — ${list.join(", ")}` : "");
const ROLE_ROLES = new Set(["bastion", "staging", "internal", "cache"]);

/** A state proven by evaluation can only stay or go down from what the files say, never up. */
function atMost(state: StepState, proven: boolean): StepState {
  return state === "done" && !proven ? "in-progress" : state;
}

export async function hardwareDrift(root: string, config: PavedConfig, hosts: string[]): Promise<DriftItem[]> {
  const drift: DriftItem[] = [];
  for (const name of hosts) {
    if (!config.hosts[name]) continue;
    const state = await readHardware(root, name);
    if (state === "present") continue;
    drift.push({
      kind: "no-hardware",
      subject: name,
      message: `${hardwareFile(name)} is ${state === "missing" ? "missing" : "empty (it declares no fileSystems)"}, so ${name} cannot be deployed yet`,
      fix: `Run \`nixos-generate-config --show-hardware-config\` on ${name} and save its output as ${hardwareFile(name)}.`,
    });
  }
  return drift;
}

function unproven(evaluation: Evaluation): StepEvidence | undefined {
  if (evaluation.error) return { text: `not proven: ${evaluation.error}` };
  if (evaluation.failed.length)
    return {
      text: `not proven for ${evaluation.failed.join(", ")}: ${evaluation.failed.length === 1 ? "its configuration does" : "their configurations do"} not evaluate (run \`nix flake check\`)`,
    };
  return undefined;
}

export async function proveSteps(
  root: string,
  config: PavedConfig,
  evaluation: Evaluation,
  reports: StepReport[],
): Promise<StepReport[]> {
  const hosts = Object.keys(config.hosts);
  const roleHosts = hosts.filter((n) => ROLE_ROLES.has(config.hosts[n]!.role));
  const facts = (n: string) => evaluation.hosts[n];
  const out: StepReport[] = [];
  const missingFacts = unproven(evaluation);

  const step3 = reports.find((r) => r.step === 3);
  if (step3) {
    const hardened = roleHosts.filter((n) => facts(n) && moduleOn("baseline", facts(n)!));
    const drift = step3.drift.filter((d) => d.kind !== "no-hardware");
    drift.push(...(await hardwareDrift(root, config, roleHosts)));
    for (const n of roleHosts) {
      const f = facts(n);
      if (f && hostModules(config.hosts[n]!, config).baseline && !moduleOn("baseline", f)) {
        drift.push({
          kind: "not-in-evaluation",
          subject: n,
          message: `baseline on ${n}: paved.yaml asks for it, but the evaluated configuration lacks ${WHAT.baseline}`,
          // nix-strings: allow a command line shown to a person, not Nix paved evaluates
          fix: `Find what overrides it in hosts/${n}*.nix (\`nix eval .#nixosConfigurations.${n}.config.services.openssh.settings\`).`,
        });
      }
    }
    const proven = roleHosts.length > 0 && hardened.length === roleHosts.length;
    const evidence: StepEvidence[] = [
      {
        text: `Evaluated: ${hardened.length} of ${roleHosts.length} role host${roleHosts.length === 1 ? "" : "s"} hardened${names(hardened)}`,
        done: hardened.length,
        total: roleHosts.length,
        items: hardened,
      },
      ...step3.evidence,
      ...(missingFacts ? [missingFacts] : []),
    ];
    const next = [...step3.next];
    if (evaluation.error?.startsWith("flake.lock is missing"))
      next.unshift({
        step: 3,
        title: "Lock the platform flake so status can evaluate the hosts and prove steps 3 and 4",
        command: "nix flake lock",
      });
    out.push({ ...step3, state: atMost(step3.state, proven && drift.length === 0), evidence, drift, next });
  }

  const step4 = reports.find((r) => r.step === 4);
  if (step4) {
    const on = (m: Module) => hosts.filter((n) => facts(n) && moduleOn(m, facts(n)!));
    const complete = hosts.filter((n) => MODULES.every((m) => on(m).includes(n)));
    const drift: DriftItem[] = [...step4.drift];
    const admins = Object.entries(config.team?.users ?? {})
      .filter(([, u]) => u.groups.includes("wheel"))
      .map(([name]) => name);
    for (const n of hosts) {
      const f = facts(n);
      if (!f) continue;
      const asked = hostModules(config.hosts[n]!, config);
      for (const m of MODULES) {
        if (asked[m] && !moduleOn(m, f))
          drift.push({
            kind: "not-in-evaluation",
            subject: n,
            message: `${m} on ${n}: paved.yaml asks for it, but the evaluated configuration lacks ${WHAT[m]}`,
            fix: `Run \`paved sync\`, then look for an override in hosts/${n}*.nix.`,
          });
      }
      const absent = config.team ? admins.filter((a) => !f.users.includes(a)) : [];
      if (asked.baseline && absent.length)
        drift.push({
          kind: "not-in-evaluation",
          subject: n,
          message: `the roster's administrators ${absent.join(", ")} have no account in ${n}'s evaluated configuration`,
          fix: "Run `paved sync` so the host imports team.nix.",
        });
    }
    // Messages start with the module: status folds drift items whose first word and subject agree into one.
    // The headline counts hosts with all three modules, so its numbers and the step's state say the same thing.
    const evidence: StepEvidence[] = [
      {
        text: `Evaluated: ${complete.length} of ${hosts.length} host${hosts.length === 1 ? "" : "s"} run the baseline, logging and monitoring${names(complete)}`,
        done: complete.length,
        total: hosts.length,
        items: complete,
      },
      ...MODULES.map((m) => ({
        text: `${m}: ${on(m).length} of ${hosts.length} hosts${names(on(m))}`,
        done: on(m).length,
        total: hosts.length,
        items: on(m),
      })),
      ...(missingFacts ? [missingFacts] : []),
    ];
    const state: StepState =
      hosts.length > 0 && complete.length === hosts.length && drift.length === 0
        ? "done"
        : MODULES.some((m) => on(m).length > 0) || step4.state !== "not-started"
          ? "in-progress"
          : "not-started";
    out.push({ ...step4, state, evidence, drift });
  }
  return out;
}
