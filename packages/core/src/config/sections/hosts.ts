import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import {
  dnsNameExpected,
  isHostAddress,
  isUrl,
  LABEL,
  labelExpected,
  USER_NAME,
  userNameExpected,
} from "./_grammars.ts";
import { HOST_NAME, hostNameExpected, LINUX_SYSTEMS, moduleToggles, ROLES, tag } from "./_common.ts";

// No query or fragment: GitHub and GitLab runners register against a bare organisation, repository or instance URL.
const RUNNER_URL_EXPECTED =
  "an https URL without credentials, query or fragment (the GitHub organisation or repository, or the GitLab instance)";

const runner = s.object({
  provider: s.enum(["github", "gitlab"]),
  url: s
    .string({ minLength: 1, expected: RUNNER_URL_EXPECTED })
    .refine((v) => isUrl(v, { schemes: ["https"] }), RUNNER_URL_EXPECTED)
    .describe("Where the runners register."),
  tokenFile: s
    .secretPath()
    .describe("File on the host holding the registration/authentication token (outside the Nix store)."),
  count: s.int({ min: 1, max: 64 }).default(1).describe("Number of ephemeral runners on this host."),
  labels: s.array(s.string({ pattern: LABEL, expected: labelExpected }), { unique: true }).default([]),
});

const host = s
  .object({
    role: s.enum(ROLES),
    address: s
      .string({ minLength: 1, expected: dnsNameExpected })
      .refine(isHostAddress, dnsNameExpected)
      .optional()
      .describe("How paved reaches the host over SSH (defaults to the host name)."),
    sshUser: s
      .string({ pattern: USER_NAME, expected: userNameExpected })
      .optional()
      .describe("SSH user for deploys (default root)."),
    sshPort: s.int({ min: 1, max: 65535 }).optional(),
    system: s.enum(LINUX_SYSTEMS).default("x86_64-linux"),
    stateVersion: s
      .string({ pattern: /^[0-9]{2}\.(05|11)$/, expected: 'a NixOS release like "26.05" (quoted)' })
      .optional()
      .describe(
        "NixOS release the host was installed with (system.stateVersion); `paved host add` records it. Never bump it with upgrades.",
      ),
    tags: s.array(tag, { unique: true }).default([]).describe("Free-form tags for selecting hosts in rollouts."),
    modules: moduleToggles.optional().describe("Override the role's module defaults for this host."),
    runner: runner.optional().describe("CI runners on this host (role ci-runner only)."),
  })
  .refineWith((value, report) => {
    if (value.role === "ci-runner" && value.runner === undefined)
      report(["runner"], "a runner map for a host with role ci-runner", "nothing (the key is missing)");
    if (value.role !== "ci-runner" && value.runner !== undefined)
      report(["runner"], "no runner unless role is ci-runner", "a map", { at: "key" });
  });

export const hostsSchema = s
  .record(host, { keyPattern: HOST_NAME, keyExpected: hostNameExpected })
  .default({})
  .describe("NixOS hosts of a platform repository, by name; each renders hosts/NAME.nix.");

export type HostConfig = Infer<typeof host>;
export type RunnerConfig = Infer<typeof runner>;
