import type { EditPackagesResult } from "@paved/devshell";
import { addPackages, removePackages } from "@paved/platform";
import type { CommandContext, CommandHandler } from "../_context.ts";
import { EXIT } from "../_exit-codes.ts";

export function editText(result: EditPackagesResult): string {
  const lines: string[] = [];
  for (const p of result.added) lines.push(`added ${p}${result.versions[p] ? ` ${result.versions[p]}` : ""} to shell ${result.shell}`);
  for (const p of result.removed) lines.push(`removed ${p} from shell ${result.shell}`);
  for (const p of result.unchanged) lines.push(`${p}: nothing to do`);
  for (const n of result.notes) lines.push(`note: ${n}`);
  for (const k of result.kept) lines.push(`kept ${k}: edited by hand (--force to overwrite)`);
  if (result.dryRun && result.diff) lines.push("", result.diff);
  return lines.join("\n");
}

export async function runEdit(mode: "add" | "remove", ctx: CommandContext, args: string[], options: Record<string, unknown>) {
  const edit = mode === "add" ? addPackages : removePackages;
  const result = await edit({
    dir: ctx.dir,
    packages: args,
    shell: typeof options.shell === "string" ? options.shell : "default",
    dryRun: options.dryRun === true,
    force: options.force === true,
    signal: ctx.signal,
    ...(typeof options.nixpkgs === "string" ? { nixpkgs: options.nixpkgs } : {}),
  });
  return { data: result, text: editText(result), exitCode: result.kept.length > 0 ? EXIT.attention : EXIT.ok };
}

export const run: CommandHandler = (ctx, args, options) => runEdit("add", ctx, args, options);
