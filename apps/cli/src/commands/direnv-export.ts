import { direnvExport } from "@paved/devshell";
import type { CommandHandler } from "../_context.ts";

export const run: CommandHandler = async (ctx, _args, options) => {
  process.removeAllListeners("SIGINT");
  process.on("SIGINT", () => {});
  const { text, prepared } = await direnvExport({
    cwd: ctx.dir,
    shell: options.shell as string | undefined,
    nixpkgs: options.nixpkgs as string | undefined,
    onProgress: ctx.progress,
  });
  return { data: { shell: prepared.shell, root: prepared.root, cache: prepared.cache, script: text }, text };
};
