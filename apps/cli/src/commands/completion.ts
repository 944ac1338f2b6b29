import type { Handler } from "../_define.ts";
import type { spec } from "../defs/completion.ts";
import { completionScript } from "../completion/_scripts.ts";

export const run: Handler<typeof spec> = async (_ctx, { args: { shell } }) => {
  const script = completionScript(shell);
  return { data: { shell, script }, text: script };
};
