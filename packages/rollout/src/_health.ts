/**
 * Health checks after activation: systemd unit states and a command, both on the host over SSH, and an HTTP
 * probe from here. Checks are retried until they all pass or the health timeout runs out, because services
 * restarted by the activation take a moment to come up.
 */
import type { HealthCheckConfig } from "./_config.ts";
import { durationMs } from "./_config.ts";
import { runRemote, type SshTarget } from "./_ssh.ts";

export interface HealthResult {
  ok: boolean;
  /** One line per failing check, from the last round. */
  failures: string[];
  rounds: number;
}

async function checkOnce(
  target: SshTarget,
  check: HealthCheckConfig,
  signal?: AbortSignal,
): Promise<string | undefined> {
  switch (check.type) {
    case "systemd": {
      const r = await runRemote(target, ["systemctl", "is-active", "--", ...check.units], {
        signal,
        timeoutMs: 30_000,
      });
      if (r.exitCode === 0) return undefined;
      const states = r.stdout.trim().split("\n");
      const bad = check.units
        .map((u, i) => [u, states[i] ?? "unknown"] as const)
        .filter(([, state]) => state !== "active")
        .map(([u, state]) => `${u}=${state}`);
      return r.unreachable ? `systemd: SSH failed: ${r.stderr.trim()}` : `systemd units not active: ${bad.join(", ")}`;
    }
    case "command": {
      const r = await runRemote(target, ["sh", "-c", check.run], {
        signal,
        timeoutMs: durationMs(check.timeout ?? "30s", "health command timeout"),
      });
      if (r.exitCode === 0) return undefined;
      return r.unreachable
        ? `command: SSH failed: ${r.stderr.trim()}`
        : `command \`${check.run}\` exited ${r.exitCode}: ${r.stderr.trim().split("\n").at(-1) ?? ""}`;
    }
    case "http": {
      const url = check.url.replaceAll("{host}", target.name).replaceAll("{address}", target.address);
      const expected = check.expectStatus ?? 200;
      try {
        const timeout = AbortSignal.timeout(durationMs(check.timeout ?? "10s", "health http timeout"));
        const response = await fetch(url, {
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          redirect: "manual",
        });
        await response.arrayBuffer().catch(() => undefined);
        return response.status === expected
          ? undefined
          : `http ${url}: status ${response.status}, expected ${expected}`;
      } catch (error) {
        if (signal?.aborted) throw error;
        return `http ${url}: ${(error as Error).message}`;
      }
    }
  }
}

export async function waitHealthy(
  target: SshTarget,
  checks: readonly HealthCheckConfig[],
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<HealthResult> {
  const deadline = Date.now() + options.timeoutMs;
  let rounds = 0;
  for (;;) {
    rounds++;
    const results = await Promise.all(checks.map((c) => checkOnce(target, c, options.signal)));
    const failures = results.filter((r): r is string => r !== undefined);
    if (failures.length === 0) return { ok: true, failures, rounds };
    if (Date.now() >= deadline) return { ok: false, failures, rounds };
    await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - Date.now())), options.signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
