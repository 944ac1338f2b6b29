import type { Handler } from "../_define.ts";
import type { spec } from "../defs/complete.ts";
import { complete } from "../completion/_engine.ts";
import { repositoryFacts } from "../completion/_facts.ts";
import { commands } from "../registry.ts";

/** One line per candidate (`value<TAB>description`), or one directive line; see completion/_scripts.ts. */
export const run: Handler<typeof spec> = async (ctx, { rest }) => {
  const result = await complete(commands, rest ?? [""], repositoryFacts(ctx.cwd));
  const lines =
    "candidates" in result
      ? result.candidates.map((c) => (c.description ? `${c.value}\t${c.description.replace(/\s+/g, " ")}` : c.value))
      : "paths" in result
        ? [`:${result.paths}`]
        : [":commands"];
  return { data: result, text: lines.join("\n") };
};
