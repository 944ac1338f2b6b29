/**
 * SSH to a host with the OpenSSH client, always as an argv array. The remote side gets one command string (that
 * is how the SSH protocol carries commands), so every word is quoted for a POSIX shell here, never concatenated
 * from unescaped input.
 */
import { exec, PavedError, shellCommand, type ExecResult } from "@paved/core";

export interface SshTarget {
  /** The host's name in paved.yaml (for messages). */
  name: string;
  address: string;
  user: string;
  port?: number;
  /** `ssh -F`: an ssh_config file (tests pass /dev/null so the user's config cannot interfere). */
  configFile?: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** Extra `-o Key=Value` options. */
  options: string[];
  connectTimeoutS: number;
  /** The host's Nix store when not its default (remote-store= of the ssh store URL). */
  remoteStore?: string;
}

/** Options shared by ssh and by Nix's own ssh (NIX_SSHOPTS), without connection sharing settings. */
function commonOptions(target: SshTarget): string[] {
  const args: string[] = [];
  if (target.configFile) args.push("-F", target.configFile);
  if (target.port) args.push("-p", String(target.port));
  if (target.identityFile) args.push("-i", target.identityFile, "-o", "IdentitiesOnly=yes");
  if (target.knownHostsFile)
    args.push("-o", `UserKnownHostsFile=${target.knownHostsFile}`, "-o", "StrictHostKeyChecking=yes");
  args.push("-o", "BatchMode=yes", "-o", `ConnectTimeout=${target.connectTimeoutS}`);
  // A host that stops answering mid-command is noticed within ~15s instead of TCP's minutes.
  args.push("-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3");
  for (const option of target.options) args.push("-o", option);
  return args;
}

function destination(target: SshTarget): string {
  return `${target.user}@${target.address}`;
}

/**
 * ssh argv for one remote command. Every connection is fresh: no ControlMaster, no ControlPath, so a confirmation
 * really proves that a new login works on the new system (a multiplexed session would survive a firewall change).
 */
export function sshArgv(target: SshTarget, remote: readonly string[]): string[] {
  return [
    "ssh",
    ...commonOptions(target),
    "-o",
    "ControlMaster=no",
    "-o",
    "ControlPath=none",
    "-T",
    "--",
    destination(target),
    shellCommand(remote),
  ];
}

/**
 * NIX_SSHOPTS for `nix copy --to ssh://…`. Nix splits it on whitespace, so paths with spaces cannot be passed;
 * Nix manages its own connection sharing, so the ControlMaster options are left to it.
 */
export function nixSshOpts(target: SshTarget): string {
  const args = commonOptions(target);
  const bad = args.find((a) => /\s/.test(a));
  if (bad) {
    throw new PavedError(
      "E_ROLLOUT_SSH_OPTION",
      `An SSH option contains whitespace, which NIX_SSHOPTS cannot carry: ${bad}`,
      {
        hint: "Move the key or known_hosts file to a path without spaces.",
      },
    );
  }
  return args.join(" ");
}

export function storeUri(target: SshTarget): string {
  const store = target.remoteStore ? `?remote-store=${encodeURIComponent(target.remoteStore)}` : "";
  return `ssh://${destination(target)}${store}`;
}

export interface RemoteOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  input?: string;
}

export interface RemoteResult extends ExecResult {
  /** ssh itself failed (exit 255): the host was not reached or the connection dropped. */
  unreachable: boolean;
  ms: number;
}

/** Runs argv on the host. Resolves with the exit code; rejects only when paved is cancelled. */
export async function runRemote(
  target: SshTarget,
  remote: readonly string[],
  options: RemoteOptions = {},
): Promise<RemoteResult> {
  const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  const started = performance.now();
  const argv = sshArgv(target, remote);
  try {
    // ssh dies with paved: no agent action starts after paved is gone (one already running is covered by the
    // journal's uncertain window and the agent's per-attempt mutex).
    const result = await exec(argv, {
      signal: signals.length ? AbortSignal.any(signals) : undefined,
      input: options.input,
      dieWithParent: true,
    });
    return { ...result, unreachable: result.exitCode === 255, ms: performance.now() - started };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (error instanceof PavedError && error.code === "E_CANCELLED") {
      // Our own timeout: the command hung or the connection stalled.
      return {
        argv,
        exitCode: 255,
        signal: "SIGTERM",
        stdout: "",
        stderr: `timed out after ${options.timeoutMs} ms`,
        unreachable: true,
        ms: performance.now() - started,
      };
    }
    throw error;
  }
}

/** `key=value` lines printed by the on-host agent. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
