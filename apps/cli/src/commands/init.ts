import { PavedError } from "@paved/core";
import type { CommandHandler } from "../_context.ts";

// Placeholder: the devshell branch replaces this file with the application-repository init and keeps this dispatch.
export const run: CommandHandler = async (ctx, args, options) => {
  if (options.platform === true) return (await import("./init-platform.ts")).run(ctx, args, options);
  throw new PavedError("E_USAGE", "`paved init` for an application repository is not in this build yet.", {
    hint: "Use `paved init --platform` for a platform repository; the dev-shell init arrives with @paved/devshell.",
  });
};
