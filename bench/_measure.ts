import { spawnSync } from "node:child_process";

export interface Command {
  label: string;
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Timing {
  label: string;
  medianMs: number;
  minMs: number;
  runs: number;
}

function once(command: Command): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command.argv[0]!, command.argv.slice(1), {
    cwd: command.cwd,
    env: command.env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${command.label} failed (exit ${result.status}): ${result.stderr?.toString().slice(-500)}`);
  }
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Runs the commands interleaved (A B A B …) so a busy moment of the machine hits both alike, after warm-up runs,
 * and returns each one's median.
 */
export function sideBySide(commands: Command[], options: { runs?: number; warmup?: number } = {}): Timing[] {
  const runs = options.runs ?? 15;
  for (let i = 0; i < (options.warmup ?? 2); i++) for (const command of commands) once(command);
  const samples = commands.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) commands.forEach((command, index) => samples[index]!.push(once(command)));
  return commands.map((command, index) => ({
    label: command.label,
    medianMs: median(samples[index]!),
    minMs: Math.min(...samples[index]!),
    runs,
  }));
}

export function ratioLine(name: string, subject: Timing, baseline: Timing, goal?: string): string {
  const ratio = subject.medianMs / baseline.medianMs;
  return `${name}: ${subject.label} ${subject.medianMs.toFixed(1)} ms / ${baseline.label} ${baseline.medianMs.toFixed(1)} ms = ${ratio.toFixed(2)}x${goal ? ` (goal ${goal})` : ""}`;
}
