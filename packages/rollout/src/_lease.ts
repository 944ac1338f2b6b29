/**
 * A lease per host, held on the host (STATE_DIR/lease: rollout id, expiry, holder = machine:pid), so two rollouts
 * never drive one host. A rollout takes the leases of a wave's hosts before it touches any of them, renews them
 * while it works, and releases them once the wave's hosts are settled. A lease is stale when it expired, or when
 * its holder ran on this machine and that process is gone — unless one of its guards is still pending on the host.
 * An interrupted rollout keeps its leases until they expire (its resume, the same rollout, takes them back):
 * the expiry is longer than any guard's window, so a second rollout cannot start while a guard could still act.
 */
import { hostname } from "node:os";
import { PavedError } from "@paved/core";
import type { RolloutHeader } from "./_journal.ts";
import { pool } from "./_pool.ts";
import type { HostAgent, Probe } from "./_remote.ts";

function leaseSeconds(header: RolloutHeader): number {
  return Math.ceil((header.activationTimeoutMs + header.confirmTimeoutMs + header.healthTimeoutMs) / 1000) + 120;
}

const holderName = (): string => `${hostname()}:${process.pid}`;

function gone(holder: string): boolean {
  const at = holder.lastIndexOf(":");
  const pid = Number(holder.slice(at + 1));
  if (holder.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export interface Leases {
  /** The wave's agents: the host runs reuse them, so the agent is installed once per host and rollout. */
  agents: Map<string, HostAgent>;
  /** What each leased host answered to the probe in the same call (taken once, by its first attempt). */
  probes: Map<string, Probe>;
  /** Stops renewing and releases every lease (best effort: an unreachable host's lease just expires). */
  release(): Promise<void>;
  /** Stops renewing without releasing (paved stops with hosts unsettled: the leases run out on their own). */
  abandon(): void;
}

/**
 * Leases are one short call per host and touch nothing else, so they go wider than the rollout's concurrency,
 * though not past sshd's default MaxStartups (10), where a bastion in front of the hosts starts refusing.
 */
const leaseParallelism = (concurrency: number) => Math.max(concurrency, 10);

/**
 * Takes the lease of every host in `agents` for rollout `header.id`, or throws E_ROLLOUT_HOST_LEASED naming the
 * rollout that holds one (after releasing the ones it took). Hosts that cannot be reached are left out here:
 * every step on them fails anyway, and their guard or a later run settles them.
 */
export async function takeLeases(
  header: RolloutHeader,
  agents: Map<string, HostAgent>,
  concurrency: number,
): Promise<Leases> {
  const seconds = leaseSeconds(header);
  const holder = holderName();
  const taken: string[] = [];
  const refused: string[] = [];
  const probes = new Map<string, Probe>();
  // The first host (by name) alone, then the rest: of two rollouts over the same hosts, one gets them all.
  const [first, ...rest] = [...agents.keys()].sort();
  const take = async (name: string) => {
    const agent = agents.get(name)!;
    try {
      let lease = await agent.lease(header.id, seconds, holder, "", true);
      if (!lease.ok && gone(lease.holder)) lease = await agent.lease(header.id, seconds, holder, lease.id, true);
      if (lease.ok) {
        taken.push(name);
        if (lease.probe) probes.set(name, lease.probe);
        return;
      }
      const until = new Date(lease.expires * 1000).toISOString();
      refused.push(
        `${name} (rollout ${lease.id}, ${lease.holder}${gone(lease.holder) ? " — gone, but its guard is still pending" : ""}, until ${until})`,
      );
    } catch (error) {
      if (!isUnreachable(error)) throw error;
    }
  };
  const width = leaseParallelism(concurrency);
  if (first) await take(first);
  if (refused.length === 0) await pool(rest, width, take, () => false);
  const release = async () => {
    clearInterval(timer);
    await pool(
      taken,
      width,
      (name) =>
        agents
          .get(name)!
          .release(header.id)
          .catch(() => undefined),
      () => false,
    );
  };
  const timer = setInterval(
    () => {
      for (const name of taken)
        agents
          .get(name)!
          .lease(header.id, seconds, holder)
          .catch(() => undefined);
    },
    Math.max(1000, Math.floor((seconds * 1000) / 3)),
  );
  timer.unref();
  if (refused.length > 0) {
    await release();
    throw new PavedError(
      "E_ROLLOUT_HOST_LEASED",
      `Another rollout holds ${refused.length === 1 ? "a host" : "hosts"} of rollout ${header.id}: ${refused.join("; ")}.`,
      {
        hint: `Wait for that rollout to finish (or its lease to expire), then \`paved rollout resume ${header.id}\`; \`paved rollout status ID\` shows the other one.`,
        details: { id: header.id, held: refused },
      },
    );
  }
  return { agents, probes, release, abandon: () => clearInterval(timer) };
}

function isUnreachable(error: unknown): boolean {
  return error instanceof PavedError && error.code === "E_ROLLOUT_UNREACHABLE";
}
