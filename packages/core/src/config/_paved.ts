/** The whole paved.yaml: one section per file under sections/, plus the checks that span sections. */
import { s } from "./_schema_compound.ts";
import type { Infer } from "./_schema.ts";
import { didYouMean } from "./_suggest.ts";
import { cacheSchema } from "./sections/cache.ts";
import { ciSchema } from "./sections/ci.ts";
import { detectSchema } from "./sections/detect.ts";
import { hostsSchema } from "./sections/hosts.ts";
import { nixpkgsSchema } from "./sections/nixpkgs.ts";
import { platformSchema } from "./sections/platform.ts";
import { reposSchema } from "./sections/repos.ts";
import { rolesSchema } from "./sections/roles.ts";
import { rolloutSchema } from "./sections/rollout.ts";
import { shellsSchema } from "./sections/shells.ts";
import { systemsSchema } from "./sections/systems.ts";
import { teamSchema } from "./sections/team.ts";
import { versionSchema } from "./sections/version.ts";

export const pavedConfigSchema = s
  .object(
    {
      version: versionSchema,
      nixpkgs: nixpkgsSchema,
      systems: systemsSchema,
      shells: shellsSchema,
      detect: detectSchema,
      ci: ciSchema.optional(),
      team: teamSchema.optional(),
      platform: platformSchema,
      hosts: hostsSchema,
      roles: rolesSchema,
      rollout: rolloutSchema.optional(),
      cache: cacheSchema.optional(),
      repos: reposSchema,
    },
    { ignoreKeys: /^x-/ },
  )
  .refineWith((config, report) => {
    const shells = Object.keys(config.shells);
    for (const name of Object.keys(config.ci?.steps ?? {})) {
      if (shells.includes(name)) continue;
      const suggestion = didYouMean(name, shells);
      report(
        ["ci", "steps", name],
        `the name of a shell in shells (${shells.join(", ") || "none defined"})`,
        JSON.stringify(name),
        {
          at: "key",
          ...(suggestion ? { suggestion } : {}),
        },
      );
    }
    const hosts = Object.keys(config.hosts);
    const cacheHost = config.cache?.host;
    if (cacheHost !== undefined && config.hosts[cacheHost]?.role !== "cache") {
      const cacheHosts = hosts.filter((h) => config.hosts[h]!.role === "cache");
      const suggestion = didYouMean(cacheHost, cacheHosts);
      const found = config.hosts[cacheHost]
        ? `${JSON.stringify(cacheHost)} (role ${config.hosts[cacheHost]!.role})`
        : JSON.stringify(cacheHost);
      report(
        ["cache", "host"],
        `the name of a host with role cache (${cacheHosts.join(", ") || "none defined"})`,
        found,
        suggestion ? { suggestion } : undefined,
      );
    }
    config.rollout?.waves.forEach((wave, w) => {
      if (typeof wave.hosts !== "object") return;
      wave.hosts.names?.forEach((name, n) => {
        if (hosts.includes(name)) return;
        const suggestion = didYouMean(name, hosts);
        report(
          ["rollout", "waves", w, "hosts", "names", n],
          "the name of a host in hosts",
          JSON.stringify(name),
          suggestion ? { suggestion } : undefined,
        );
      });
    });
  })
  .describe("paved.yaml: the one source of truth paved renders Nix and CI files from.");

/** The validated paved.yaml, with every default filled in. */
export type PavedConfig = Infer<typeof pavedConfigSchema>;
