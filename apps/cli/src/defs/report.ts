import { defineCommand, lazy, required } from "../_define.ts";

export const spec = defineCommand({
  name: "report",
  summary: "Write a self-contained HTML page of the migration: the five steps, repositories, hosts and rollout history",
  examples: ["paved report --html migration.html", "paved report --html /srv/www/acme.html --dir ~/src/platform"],
  options: {
    html: required("--html <file>", "write the page to FILE (inline CSS and SVG; opens without network)", {
      complete: "file",
    }),
  },
});
export default lazy(spec, () => import("../commands/report.ts"));
