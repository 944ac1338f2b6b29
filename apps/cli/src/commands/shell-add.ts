import type { EditPackagesResult } from "@paved/devshell";
import { addPackages, removePackages } from "@paved/platform/shells";
import type { CommandContext } from "../_context.ts";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/shell-add.ts";
import { EXIT } from "../_exit-codes.ts";

export function editText(result: EditPackagesResult): string {
  const lines: string[] = [];
  for (const p of result.added)
    lines.push(`added ${p}${result.versions[p] ? ` ${result.versions[p]}` : ""} to shell ${result.shell}`);
  for (const p of result.removed) lines.push(`removed ${p} from shell ${result.shell}`);
  for (const p of result.unchanged) lines.push(`${p}: nothing to do`);
  for (const n of result.notes) lines.push(`note: ${n}`);
  for (const k of result.kept) lines.push(`kept ${k}: edited by hand (--force to overwrite)`);
  if (result.dryRun && result.diff) lines.push("", result.diff);
  return lines.join("\n");
}

export async function runEdit(
  mode: "add" | "remove",
  ctx: CommandContext,
  packages: string[],
  options: { shell: string; dryRun: boolean; force: boolean; nixpkgs?: string | undefined },
) {
  const edit = mode === "add" ? addPackages : removePackages;
  const result = await edit({
    dir: ctx.dir,
    packages,
    shell: options.shell,
    dryRun: options.dryRun,
    force: options.force,
    signal: ctx.signal,
    ...(options.nixpkgs === undefined ? {} : { nixpkgs: options.nixpkgs }),
  });
  return { data: result, text: editText(result), exitCode: result.kept.length > 0 ? EXIT.attention : EXIT.ok };
}

export const run: Handler<typeof spec> = (ctx, { args, options }) => runEdit("add", ctx, args.packages, options);
