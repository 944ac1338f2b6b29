import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import { direnvExport } from "@paved/devshell";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/direnv-export.ts";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const { shell, nixpkgs, stampDir } = options;
  // The background run is this same command, detached from direnv: its output goes to a log, never to the prompt.
  const startBackground = () => {
    if (!stampDir) return;
    const log = openSync(join(stampDir, "background.log"), "w");
    const argv = [process.argv[1]!, "direnv-export", "--background", "--stamp-dir", stampDir];
    if (shell) argv.push("--shell", shell);
    if (nixpkgs) argv.push("--nixpkgs", nixpkgs);
    spawn(process.execPath, argv, { cwd: ctx.dir, detached: true, stdio: ["ignore", log, log] }).unref();
  };
  const result = await direnvExport({
    cwd: ctx.dir,
    shell,
    nixpkgs,
    stampDir,
    background: options.background,
    wait: Boolean(process.env.PAVED_DIRENV_WAIT),
    startBackground,
    onProgress: ctx.progress,
  });
  const prepared = result.prepared;
  return {
    data: {
      state: result.state,
      shell: prepared?.shell,
      root: prepared?.root,
      cache: prepared?.cache,
      script: result.text,
    },
    text: result.text,
  };
};
