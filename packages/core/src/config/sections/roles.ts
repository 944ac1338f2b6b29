import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import { cidr, ROLES } from "./_common.ts";

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
    .describe("Source networks allowed to reach SSH (CIDR). Empty: anywhere the firewall allows."),
});

export const rolesSchema = s
  .record(roleDefaults, { keys: ROLES })
  .default({})
  .describe("Defaults per role; hosts override them.");

export type RoleDefaults = Infer<typeof roleDefaults>;
