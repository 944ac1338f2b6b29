import type { Handler } from "../_define.ts";
import type { spec } from "../defs/shell-remove.ts";
import { runEdit } from "./shell-add.ts";

export const run: Handler<typeof spec> = (ctx, { args, options }) => runEdit("remove", ctx, args.packages, options);
