import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import { duration, hostName, percent, ROLES, tag } from "./_common.ts";

const selector = s
  .object({
    names: s.array(hostName, { minItems: 1, unique: true }).optional(),
    roles: s.array(s.enum(ROLES), { minItems: 1, unique: true }).optional(),
    tags: s.array(tag, { minItems: 1, unique: true }).optional(),
  })
  .refine((v) => v.names !== undefined || v.roles !== undefined || v.tags !== undefined, "a selector with names, roles or tags")
  .expecting("a selector map (names, roles, tags)");

const wave = s.object({
  name: s.string({ pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, expected: "a wave name: letters, digits, _ and -" }),
  hosts: s
    .union([s.int({ min: 1 }), percent, s.literal("rest"), selector])
    .describe('How many hosts: a count, a percentage of the remaining fleet ("25%"), "rest", or a selector.'),
  bake: duration.optional().describe("Wait this long after the wave before the next one (overrides rollout.bake)."),
  pause: s.boolean().default(false).describe("Stop after this wave until a person resumes the rollout."),
});

const healthCheck = s.discriminated("type", {
  systemd: { units: s.array(s.string({ pattern: /^[A-Za-z0-9@_.:\\-]+$/, expected: "a systemd unit name" }), { minItems: 1 }) },
  command: { run: s.string({ minLength: 1, expected: "a command" }), timeout: duration.default("30s") },
  http: {
    url: s.string({ pattern: /^https?:\/\/[^\s]+$/, expected: "an http(s) URL" }),
    expectStatus: s.int({ min: 100, max: 599 }).default(200),
    timeout: duration.default("10s"),
  },
});

export const rolloutSchema = s
  .object({
    waves: s
      .array(wave, { minItems: 1 })
      .default([
        { name: "canary", hosts: 1 },
        { name: "rest", hosts: "rest" },
      ]),
    concurrency: s.int({ min: 1, max: 1000 }).default(5).describe("Hosts switched at the same time within a wave."),
    failureBudget: s.union([s.int({ min: 0 }), percent]).default(0).describe("Failed hosts tolerated before the rollout stops and rolls the wave back."),
    bake: duration.default("0s").describe("Wait after each wave before the next."),
    healthChecks: s.array(healthCheck).default([]),
    confirmTimeout: duration.default("120s").describe("The on-host guard rolls back unless paved confirms over a fresh SSH connection within this time."),
    mode: s.enum(["switch", "boot"]).default("switch").describe("switch: activate now; boot: on next reboot (kernel changes)."),
  })
  .refineWith((value, report) => {
    const seen = new Set<string>();
    value.waves.forEach((w, i) => {
      if (seen.has(w.name)) report(["waves", i, "name"], "a wave name used once", JSON.stringify(w.name));
      seen.add(w.name);
      if (w.hosts === "rest" && i !== value.waves.length - 1) report(["waves", i, "hosts"], '"rest" only in the last wave', '"rest"');
    });
  })
  .describe("How `paved rollout apply` deploys: waves, concurrency, failure budget and health checks.");

export type RolloutConfig = Infer<typeof rolloutSchema>;
export type HealthCheck = Infer<typeof healthCheck>;
export type Wave = Infer<typeof wave>;
