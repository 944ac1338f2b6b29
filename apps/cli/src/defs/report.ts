import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "report",
  summary: "Write a self-contained HTML page of the migration: the five steps, repositories, hosts and rollout history",
  examples: ["paved report --html migration.html", "paved report --html /srv/www/acme.html --dir ~/src/platform"],
  configure: (command) => command.requiredOption("--html <file>", "write the page to FILE (inline CSS and SVG; opens without network)"),
  load: () => import("../commands/report.ts"),
});
