import { list } from "../_define.ts";

/** --host/--role/--tag, each repeatable or comma-separated; a host must match all given kinds. */
export const selectionFlags = {
  host: list("--host <name>", "only this host (repeatable, or a,b,c)", { complete: "host" }),
  role: list("--role <role>", "only hosts with this role (repeatable)"),
  tag: list("--tag <tag>", "only hosts with this tag (repeatable)"),
};

export const overrideInput = list(
  "--override-input <name=flakeref>",
  "override a flake input, as nixos-rebuild does (repeatable)",
  { commas: false },
);

/** docs/cli.md lists the same codes. */
export const ROLLOUT_EXIT_CODES = `
Exit codes: 0 succeeded (or paused), 6 succeeded with failures within the budget, 1 failed, 75 incomplete
(unreachable hosts journaled uncertain: resume once they answer), 130/143 stopped by SIGINT/SIGTERM (it prints
the exact \`paved rollout resume ID\`).
`;
