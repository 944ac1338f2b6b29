import type { CommandHandler } from "../_context.ts";
import { runEdit } from "./shell-add.ts";

export const run: CommandHandler = (ctx, args, options) => runEdit("remove", ctx, args, options);
