/** Which hosts a rollout touches, in which waves, and how each is reached. */
import { PavedError } from "@paved/core";
import { durationMs, type HostEntry, type RolloutSettings, type WaveConfig } from "./_config.ts";
import type { JournalHost } from "./_journal.ts";
import type { SshTarget } from "./_ssh.ts";

export interface HostSelection {
  names?: string[];
  roles?: string[];
  tags?: string[];
}

/** Hosts matching every given criterion (names, roles, tags are each "any of"), in paved.yaml order. */
export function selectHosts(hosts: readonly HostEntry[], selection: HostSelection): HostEntry[] {
  const known = new Set(hosts.map((h) => h.name));
  const unknown = (selection.names ?? []).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new PavedError("E_INPUT", `No host named ${unknown.join(", ")} in paved.yaml`, {
      hint: `Hosts: ${[...known].join(", ") || "none"}.`,
    });
  }
  const picked = hosts.filter(
    (h) =>
      (!selection.names?.length || selection.names.includes(h.name)) &&
      (!selection.roles?.length || selection.roles.includes(h.role)) &&
      (!selection.tags?.length || h.tags.some((t) => selection.tags!.includes(t))),
  );
  if (picked.length === 0) {
    throw new PavedError("E_INPUT", "No hosts match the selection.", {
      hint: "Check --host/--role/--tag against the hosts in paved.yaml.",
      details: { selection },
    });
  }
  return picked;
}

export interface PlannedWave {
  name: string;
  hosts: string[];
  bakeMs: number;
  pause: boolean;
}

/**
 * Splits the selected hosts into waves. A wave takes a count, a percentage of all selected hosts (rounded up,
 * at least one), "rest", or a selector; the last wave always takes whatever is left, so no host is forgotten.
 */
export function planWaves(
  hosts: readonly HostEntry[],
  waves: readonly WaveConfig[],
  defaultBake: string,
): PlannedWave[] {
  const left = [...hosts];
  const out: PlannedWave[] = [];
  waves.forEach((wave, index) => {
    const last = index === waves.length - 1;
    let take: HostEntry[];
    const size = wave.hosts;
    if (last || size === "rest") take = left.splice(0);
    else if (typeof size === "number") take = left.splice(0, size);
    else if (typeof size === "string") {
      const pct = Number(size.slice(0, -1));
      if (!/^\d+%$/.test(size) || pct < 1 || pct > 100)
        throw new PavedError("E_INPUT", `Wave ${wave.name}: ${size} is not a percentage`, { hint: 'Use "25%".' });
      take = left.splice(0, Math.max(1, Math.ceil((hosts.length * pct) / 100)));
    } else {
      take = left.filter(
        (h) =>
          (size.names?.includes(h.name) ?? false) ||
          (size.roles?.some((r) => r === h.role) ?? false) ||
          h.tags.some((t) => size.tags?.includes(t) ?? false),
      );
      for (const h of take) left.splice(left.indexOf(h), 1);
    }
    if (take.length > 0)
      out.push({
        name: wave.name,
        hosts: take.map((h) => h.name),
        bakeMs: durationMs(wave.bake ?? defaultBake, `wave ${wave.name} bake`),
        pause: (wave.pause ?? false) && !last,
      });
  });
  return out;
}

/** Waves from a flag such as "1,25%,rest". */
export function parseWavesFlag(text: string): WaveConfig[] {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new PavedError("E_USAGE", "--waves needs at least one wave", { hint: "For example --waves 1,25%,rest" });
  return parts.map((part, i) => {
    if (part === "rest") return { name: `wave${i + 1}`, hosts: "rest", pause: false };
    if (/^\d+%$/.test(part)) return { name: `wave${i + 1}`, hosts: part, pause: false };
    if (/^\d+$/.test(part) && Number(part) > 0) return { name: `wave${i + 1}`, hosts: Number(part), pause: false };
    throw new PavedError("E_USAGE", `--waves: ${JSON.stringify(part)} is not a count, a percentage or "rest"`, {
      hint: "For example --waves 1,25%,rest",
    });
  });
}

/** The failure budget as a number of hosts. */
export function budgetHosts(budget: number | string, total: number): number {
  if (typeof budget === "number") {
    if (Number.isInteger(budget) && budget >= 0) return budget;
    throw new PavedError("E_USAGE", `Failure budget ${budget} is not a whole number of hosts`, {
      hint: "Use 0, 2 or 10%.",
    });
  }
  const match = /^(\d+)%$/.exec(budget);
  // Same range paved.yaml accepts for rollout.failureBudget: 200% would silently mean "never stop".
  if (match && (Number(match[1]) < 1 || Number(match[1]) > 100)) {
    throw new PavedError("E_USAGE", `Failure budget ${budget} is not a percentage from 1% to 100%`, {
      hint: "Use 0, 2 or 10%.",
    });
  }
  if (!match)
    throw new PavedError("E_USAGE", `Failure budget ${JSON.stringify(budget)} is not a number or a percentage`, {
      hint: "Use 0, 2 or 10%.",
    });
  return Math.floor((total * Number(match[1])) / 100);
}

function expand(template: string, host: string): string {
  return template.replaceAll("{host}", host);
}

export function journalHost(host: HostEntry, settings: RolloutSettings): JournalHost {
  return {
    name: host.name,
    address: host.address ?? host.name,
    user: host.sshUser ?? "root",
    port: host.sshPort,
    profile: expand(settings.profile, host.name),
    stateDir: expand(settings.stateDir, host.name),
    role: host.role,
    tags: host.tags,
    ...(settings.remoteStore ? { store: expand(settings.remoteStore, host.name) } : {}),
  };
}

export function sshTarget(host: JournalHost, settings: RolloutSettings["ssh"]): SshTarget {
  return {
    name: host.name,
    address: host.address,
    user: host.user,
    port: host.port,
    configFile: settings.configFile,
    identityFile: settings.identityFile,
    knownHostsFile: settings.knownHostsFile,
    options: settings.options ?? [],
    ...(host.store ? { remoteStore: host.store } : {}),
    connectTimeoutS: Math.max(
      1,
      Math.round(durationMs(settings.connectTimeout ?? "10s", "rollout.ssh.connectTimeout") / 1000),
    ),
  };
}

/** A build host given as [user@]host[:port]. */
export function parseBuildHost(text: string, settings: RolloutSettings["ssh"]): SshTarget {
  const match = /^(?:([a-z_][a-z0-9_-]*)@)?([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(?::(\d+))?$/.exec(text);
  if (!match)
    throw new PavedError("E_USAGE", `--build-host ${JSON.stringify(text)} is not [user@]host[:port]`, {
      hint: "For example --build-host root@builder.internal",
    });
  return sshTarget(
    {
      name: "build-host",
      address: match[2]!,
      user: match[1] ?? "root",
      port: match[3] ? Number(match[3]) : undefined,
      profile: "",
      stateDir: "",
      role: "",
      tags: [],
    },
    settings,
  );
}
