/** Typed calls into the on-host agent, one SSH connection each. */
import { PavedError } from "@paved/core";
import { AGENT_SCRIPT, AGENT_VERSION, INSTALL_AND_RUN } from "./_agent.ts";
import type { Generation } from "./_journal.ts";
import { parseKeyValues, runRemote, type RemoteResult, type SshTarget } from "./_ssh.ts";

export interface HostPaths {
  profile: string;
  stateDir: string;
}

export interface Lease {
  ok: boolean;
  id: string;
  holder: string;
  expires: number;
  pending: string;
  probe?: Probe;
}

export type Probe = Generation & { systemd: boolean };

export class HostAgent {
  readonly target: SshTarget;
  readonly paths: HostPaths;
  private readonly signal?: AbortSignal;
  private installed = false;

  constructor(target: SshTarget, paths: HostPaths, signal?: AbortSignal) {
    this.target = target;
    this.paths = paths;
    this.signal = signal;
  }

  get agentPath(): string {
    return `${this.paths.stateDir}/agent-${AGENT_VERSION}.sh`;
  }

  /** Runs an agent action; the first call of this process installs the agent on the way. */
  async call(args: string[], timeoutMs = 60_000): Promise<{ values: Record<string, string>; result: RemoteResult }> {
    const remote = this.installed
      ? ["sh", this.agentPath, ...args]
      : ["sh", "-c", INSTALL_AND_RUN, "paved-agent", this.agentPath, ...args];
    const result = await runRemote(this.target, remote, {
      signal: this.signal,
      timeoutMs,
      input: this.installed ? undefined : AGENT_SCRIPT,
    });
    if (result.unreachable) {
      throw new PavedError(
        "E_ROLLOUT_UNREACHABLE",
        `${this.target.name}: SSH failed: ${lastLine(result.stderr) || "no answer"}`,
        {
          hint: `Check that \`ssh ${this.target.user}@${this.target.address}\` works from here (keys, known_hosts, firewall).`,
          details: { host: this.target.name, command: result.argv, stderr: result.stderr },
        },
      );
    }
    if (result.exitCode !== 0) {
      throw new PavedError(
        "E_ROLLOUT_REMOTE",
        `${this.target.name}: \`${args[0]}\` failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`,
        {
          hint: "Run `paved rollout status` for the journal; the host's agent logs are in its state directory.",
          details: { host: this.target.name, exitCode: result.exitCode, stderr: result.stderr },
        },
      );
    }
    this.installed = true;
    return { values: parseKeyValues(result.stdout), result };
  }

  async probe(): Promise<Probe> {
    const { values } = await this.call(["probe", this.paths.profile]);
    return { ...generationOf(values), systemd: values.systemd === "yes" };
  }

  /** Sets the profile, unless the attempt in `dir` was already decided (its guard fired): then that is an error. */
  async setProfile(path: string, dir: string): Promise<Generation> {
    const { values } = await this.call(["set-profile", this.paths.profile, path, dir]);
    if (values.refused !== undefined) {
      throw new PavedError(
        "E_ROLLOUT_DECIDED",
        `${this.target.name}: the attempt was already decided (${values.refused || "?"}); the profile was left alone`,
        {
          hint: "The guard on the host fired before paved set the profile; the host stays on its previous generation.",
        },
      );
    }
    return generationOf(values);
  }

  /** Starts the guard; it confirms against `job` ("activate" in switch and test modes, "boot" in boot mode). */
  async arm(
    dir: string,
    unit: string,
    before: Generation,
    activationS: number,
    confirmS: number,
    job: "activate" | "boot" = "activate",
  ): Promise<void> {
    await this.call([
      "arm",
      dir,
      unit,
      this.paths.profile,
      String(before.generation ?? ""),
      before.path,
      String(activationS),
      String(confirmS),
      job,
    ]);
  }

  /** Takes the decision "rollback" and undoes the attempt, in one connection; returns who decided and where the host is. */
  async salvage(dir: string, before: Generation): Promise<{ decided: string; rc: number; now: Generation }> {
    const { values } = await this.call(
      ["salvage", dir, this.paths.profile, String(before.generation ?? ""), before.path],
      15 * 60_000,
    );
    return { decided: values.decided ?? "", rc: Number(values.rc ?? 0), now: generationOf(values) };
  }

  /** Starts a job detached on the host and waits up to `seconds` for it, like `wait`. */
  async start(
    dir: string,
    job: "activate" | "boot",
    unit: string,
    system: string,
    action: "test" | "boot" | "switch",
    seconds: number,
  ): Promise<number | "running"> {
    const { values } = await this.call(
      ["start", dir, job, unit, system, action, String(seconds)],
      (seconds + 30) * 1000,
    );
    return values.rc === "running" || values.rc === undefined ? "running" : Number(values.rc);
  }

  /** Waits on the host (one connection) up to `seconds` for a job; returns its exit code or "running". */
  async wait(dir: string, job: "activate" | "boot", seconds: number): Promise<number | "running"> {
    const { values } = await this.call(["wait", dir, job, String(seconds)], (seconds + 30) * 1000);
    return values.rc === "running" || values.rc === undefined ? "running" : Number(values.rc);
  }

  /** Takes the decision for this attempt, or learns who took it first ("guard" means the host rolled back). */
  async decide(dir: string, who: "confirm" | "rollback" | "resume"): Promise<string> {
    const { values } = await this.call(["decide", dir, who]);
    return values.decided || "guard";
  }

  /**
   * Decides the attempt for `who` unless it was decided, then restores `before` in a job on the host that outlives
   * this connection. `decided: "guard"` means the guard took it and restores by itself (nothing was done here).
   */
  async rollback(
    dir: string,
    who: "rollback" | "resume",
    before: Generation,
    action: "test" | "switch" | "none",
    unit: string,
  ): Promise<{ decided: string; rc: number; now: Generation }> {
    const args = [
      "rollback",
      dir,
      who,
      this.paths.profile,
      String(before.generation ?? ""),
      before.path,
      action,
      unit,
      "900",
    ];
    const { values } = await this.call(args, 16 * 60_000);
    if (values.rc === "running") {
      throw new PavedError(
        "E_ROLLOUT_REMOTE",
        `${this.target.name}: restoring the previous system did not finish within 15 minutes`,
        {
          hint: "It goes on on the host; `paved rollout resume` (or `rollback`) waits for it again.",
        },
      );
    }
    return { decided: values.decided ?? "", rc: Number(values.rc ?? 0), now: generationOf(values) };
  }

  async awaitGuard(dir: string, seconds: number): Promise<number | "running"> {
    const { values } = await this.call(["await-guard", dir, String(seconds)], (seconds + 30) * 1000);
    return values.guard === "running" || values.guard === undefined ? "running" : Number(values.guard);
  }

  /**
   * Takes or renews the host's lease for rollout `id`; `takeover` names a holder paved found dead. With `probe`,
   * a taken lease also answers what `probe()` would, read under the lease.
   */
  async lease(id: string, seconds: number, holder: string, takeover = "", probe = false): Promise<Lease> {
    const args = ["lease", this.paths.stateDir, id, String(seconds), holder, takeover];
    const { values } = await this.call(probe ? [...args, this.paths.profile] : args);
    const ok = values.lease === "ok";
    return {
      ok,
      id: values.id ?? id,
      holder: values.holder ?? "",
      expires: Number(values.expires ?? 0),
      pending: values.pending ?? "",
      probe:
        ok && probe && values.generation !== undefined
          ? { ...generationOf(values), systemd: values.systemd === "yes" }
          : undefined,
    };
  }

  async release(id: string): Promise<void> {
    await this.call(["release", this.paths.stateDir, id]);
  }

  async state(
    dir: string,
  ): Promise<{ decided: string; guard: string; activate: string; boot: string; now: Generation }> {
    const { values } = await this.call(["state", dir, this.paths.profile]);
    return {
      decided: values.decided ?? "",
      guard: values.guard ?? "",
      activate: values.activate ?? "",
      boot: values.boot ?? "",
      now: generationOf(values),
    };
  }
}

function generationOf(values: Record<string, string>): Generation {
  const n = values.generation ? Number(values.generation) : NaN;
  return { generation: Number.isFinite(n) ? n : null, path: values.path ?? "" };
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).at(-1) ?? "";
}
