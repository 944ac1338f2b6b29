import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import { duration, hostName, percent, ROLES, tag } from "./_common.ts";
import { flakeRefExpected, isFlakeRef, isHostAddress, isUrl, USER_NAME } from "./_grammars.ts";

const selector = s
  .object({
    names: s.array(hostName, { minItems: 1, unique: true }).optional(),
    roles: s.array(s.enum(ROLES), { minItems: 1, unique: true }).optional(),
    tags: s.array(tag, { minItems: 1, unique: true }).optional(),
  })
  .refine(
    (v) => v.names !== undefined || v.roles !== undefined || v.tags !== undefined,
    "a selector with names, roles or tags",
  )
  .expecting("a selector map (names, roles, tags)");

const wave = s.object({
  name: s.string({ pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, expected: "a wave name: letters, digits, _ and -" }),
  hosts: s
    .union([s.int({ min: 1 }), percent, s.literal("rest"), selector])
    .describe(
      'How many hosts: a count, a percentage of the selected hosts ("25%", rounded up), "rest", or a selector. The last wave takes every host left.',
    ),
  bake: duration.optional().describe("Wait this long after the wave before the next one (overrides rollout.bake)."),
  pause: s.boolean().default(false).describe("Stop after this wave until a person resumes the rollout."),
});

const healthCheck = s.discriminated("type", {
  systemd: {
    units: s.array(s.string({ pattern: /^[A-Za-z0-9@_.:\\-]+$/, expected: "a systemd unit name" }), { minItems: 1 }),
  },
  command: {
    run: s
      .string({ minLength: 1, expected: "a command", multiline: true })
      .describe("Run on the host with `sh -c` over SSH; exit 0 is healthy."),
    timeout: duration.default("30s"),
  },
  http: {
    url: s
      .string({ minLength: 1, expected: "an http(s) URL" })
      .refine(
        (v) => isUrl(v, { schemes: ["http", "https"], query: true, placeholders: ["host", "address"] }),
        "an http(s) URL ({host} and {address} allowed)",
      )
      .describe(
        "Probed from the machine running paved; {host} and {address} are replaced by the host's name and address.",
      ),
    expectStatus: s.int({ min: 100, max: 599 }).default(200),
    timeout: duration.default("10s"),
  },
});

/** Paths on the host; `{host}` is replaced by the host's name (tests and shared machines give each its own). */
const hostPath = s.string({ pattern: /^\/[^\s]*$/, expected: "an absolute path without spaces ({host} allowed)" });

const ssh = s
  .object({
    configFile: s
      .string({ pattern: /^\/[^\s]*$/, expected: "an absolute path" })
      .optional()
      .describe("ssh -F: an ssh_config file instead of ~/.ssh/config."),
    identityFile: s
      .secretPath()
      .optional()
      .describe("Private key for deploys (ssh -i); the default is ssh's own choice."),
    knownHostsFile: s
      .string({ pattern: /^\/[^\s]*$/, expected: "an absolute path" })
      .optional()
      .describe("known_hosts to check host keys against (StrictHostKeyChecking=yes)."),
    options: s
      .array(s.string({ pattern: /^[A-Za-z]+=[^\s]+$/, expected: "an ssh option like ProxyJump=bastion" }))
      .default([])
      .describe("Extra `-o Key=Value` options."),
    connectTimeout: duration.default("10s"),
  })
  .default({})
  .describe(
    "How paved and `nix copy` reach hosts over SSH. Confirmations always use a fresh, non-multiplexed connection.",
  );

export const rolloutSchema = s
  .object({
    waves: s.array(wave, { minItems: 1 }).default([
      { name: "canary", hosts: 1 },
      { name: "early", hosts: "25%" },
      { name: "rest", hosts: "rest" },
    ]),
    concurrency: s.int({ min: 1, max: 1000 }).default(5).describe("Hosts switched at the same time within a wave."),
    failureBudget: s
      .union([s.int({ min: 0 }), percent])
      .default(0)
      .describe("Failed hosts tolerated before the rollout stops and rolls the wave back."),
    bake: duration.default("0s").describe("Wait after each wave before the next."),
    healthChecks: s.array(healthCheck).default([]),
    healthTimeout: duration
      .default("60s")
      .describe("How long health checks may keep failing after activation before the host counts as unhealthy."),
    confirmTimeout: duration
      .default("120s")
      .describe(
        "The on-host guard rolls back unless paved confirms over a fresh SSH connection within this time after activation (health checks included).",
      ),
    activationTimeout: duration
      .default("10m")
      .describe("Longest `switch-to-configuration` may run before the host is rolled back."),
    mode: s
      .enum(["switch", "boot", "test"])
      .default("switch")
      .describe(
        "switch: activate now, then make it the boot default; boot: on next reboot (kernel changes); test: activate without touching the boot default.",
      ),
    profile: hostPath.default("/nix/var/nix/profiles/system").describe("The NixOS system profile on each host."),
    stateDir: hostPath
      .default("/var/lib/paved/rollout")
      .describe("Where paved's on-host agent keeps guard and activation state."),
    ssh,
    buildHost: s
      .string({ minLength: 1, expected: "[user@]host[:port]" })
      .refine((v) => {
        const m = /^(?:([^@]+)@)?([^@:]+)(?::([0-9]{1,5}))?$/.exec(v);
        return (
          m !== null &&
          (m[1] === undefined || USER_NAME.test(m[1])) &&
          isHostAddress(m[2]!) &&
          (m[3] === undefined || (Number(m[3]) >= 1 && Number(m[3]) <= 65535))
        );
      }, "[user@]host[:port] with a user name and an RFC 1123 host name or IP address")
      .optional()
      .describe("Build systems on this machine instead of the one running paved."),
    substituteOnDestination: s
      .boolean()
      .default(false)
      .describe(
        "Let hosts fetch paths from their own binary caches (nix copy --substitute-on-destination). Always on with a team cache (cache:).",
      ),
    remoteStore: hostPath
      .optional()
      .describe(
        "The Nix store on each host when it is not the host's default (the ssh store's remote-store=, e.g. a chroot store); {host} allowed.",
      ),
    flake: s
      .string({ minLength: 1, expected: "a flake reference" })
      .refine(isFlakeRef, flakeRefExpected)
      .optional()
      .describe("Flake with nixosConfigurations (default: this repository)."),
  })
  .refineWith((value, report) => {
    const seen = new Set<string>();
    value.waves.forEach((w, i) => {
      if (seen.has(w.name)) report(["waves", i, "name"], "a wave name used once", JSON.stringify(w.name));
      seen.add(w.name);
      if (w.hosts === "rest" && i !== value.waves.length - 1)
        report(["waves", i, "hosts"], '"rest" only in the last wave', '"rest"');
    });
  })
  .describe("How `paved rollout apply` deploys: waves, concurrency, failure budget and health checks.");

export type RolloutConfig = Infer<typeof rolloutSchema>;
export type HealthCheck = Infer<typeof healthCheck>;
export type Wave = Infer<typeof wave>;
