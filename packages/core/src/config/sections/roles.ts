import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import { cidr, ROLES } from "./_common.ts";
import { flakeRefExpected, isFlakeRef, isHostAddress, isUrl } from "./_grammars.ts";

const SINK_URL_EXPECTED = "a URL like https://loki.internal:3100 (host:port for a Vector aggregator)";
function isSinkUrl(value: string): boolean {
  const hostPort = /^([^:/]+):([0-9]{1,5})$/.exec(value);
  if (hostPort) return isHostAddress(hostPort[1]!) && Number(hostPort[2]) >= 1 && Number(hostPort[2]) <= 65535;
  return isUrl(value, { schemes: ["http", "https"], query: true });
}

// Mirrors paved.logging in packages/baseline/nix/logging.nix.
const logging = s
  .object({
    agent: s
      .enum(["vector", "alloy"])
      .default("vector")
      .describe("Shipping agent: Vector, or Grafana Alloy (Loki only). Promtail is end of life."),
    sink: s
      .object({
        type: s
          .enum(["loki", "http", "vector"])
          .default("loki")
          .describe("A Loki server, an HTTP endpoint taking JSON, or a Vector aggregator."),
        url: s
          .string({ minLength: 1, expected: SINK_URL_EXPECTED })
          .refine(isSinkUrl, SINK_URL_EXPECTED)
          .describe("Where the logs go."),
        labels: s
          .record(s.string({ minLength: 1, expected: "a label value" }), {
            keyPattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/,
            keyExpected: "a Loki label name",
          })
          .default({}),
      })
      .refineWith((sink, report) => {
        const hostPort = !/^https?:\/\//.test(sink.url);
        if (sink.type === "vector" && !hostPort)
          report(
            ["url"],
            "host:port of the Vector aggregator (no scheme) for sink type vector",
            JSON.stringify(sink.url),
          );
        if (sink.type !== "vector" && hostPort)
          report(["url"], `an http(s) URL for sink type ${sink.type}`, JSON.stringify(sink.url));
      }),
  })
  .refineWith((value, report) => {
    if (value.agent === "alloy" && value.sink.type !== "loki")
      report(
        ["sink", "type"],
        "loki (the only sink paved configures for Alloy), or agent: vector",
        JSON.stringify(value.sink.type),
      );
  });

const roleDefaults = s.object({
  modules: s
    .object({
      baseline: s.boolean().default(true),
      logging: s.boolean().default(false),
      monitoring: s.boolean().default(false),
    })
    .default({})
    .describe("Modules every host of this role imports unless the host overrides them."),
  sshAllowFrom: s
    .array(cidr, { unique: true })
    .default([])
    .describe(
      "Source networks allowed to reach SSH (CIDR), enforced by the firewall and by sshd. Empty: anywhere the firewall allows.",
    ),
  jumpPorts: s
    .array(s.int({ min: 1, max: 65535 }), { unique: true, minItems: 1 })
    .optional()
    .describe("Bastions only: ports users may reach with ssh -J (default [22])."),
  logging: logging
    .optional()
    .describe("Where hosts of this role ship their journal (needed when modules.logging is on)."),
  monitoring: s
    .object({
      allowFrom: s
        .array(cidr, { unique: true })
        .default([])
        .describe("Networks of the Prometheus servers that scrape the node exporter."),
      port: s.int({ min: 1, max: 65535 }).default(9100),
    })
    .optional()
    .describe("Node exporter settings for hosts of this role."),
  autoUpgrade: s
    .object({
      flake: s
        .string({
          minLength: 1,
          expected: "the platform repository's flake URL, e.g. git+ssh://git@github.com/acme/platform",
        })
        .refine(isFlakeRef, flakeRefExpected),
      dates: s.string({ minLength: 1, expected: "a systemd calendar event like 04:40 or Sun 03:00" }).default("04:40"),
      allowReboot: s.boolean().default(false),
    })
    .optional()
    .describe("Hosts of this role upgrade themselves from the platform flake."),
});

export const rolesSchema = s
  .record(roleDefaults, { keys: ROLES })
  .default({})
  .describe("Defaults per role; hosts override them.");

export type RoleDefaults = Infer<typeof roleDefaults>;
