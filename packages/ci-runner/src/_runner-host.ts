import {
  attrs,
  checkSecretPath,
  hostModuleBindings,
  looksLikeSecret,
  type GeneratedFile,
  fn,
  id,
  list,
  maskSecret,
  nix,
  path,
  PavedError,
  renderNix,
  sel,
  str,
  type NixExpr,
  type NixValue,
} from "@paved/core";
import type { HostSettings, RunnerSettings, ShellSettings, Step1Config } from "./_types.ts";

/** The nixosModules a ci-runner host imports (the platform flake adds them to its nixosConfigurations entry). */
export const RUNNER_HOST_MODULES = ["ci-runner"] as const;

/** The host's hardware configuration, next to hosts/NAME.nix; written once as a starter, then owned by people. */
export function runnerHardwareFile(name: string): string {
  return `${name}-hardware.nix`;
}

export { renderHardwareStarter } from "@paved/core";

/** Toolchain attributes nixpkgs marks unfree; a host must allow each by name. */
const UNFREE_ATTRS = new Set(["terraform"]);

/** Where a toolchain's package lives in nixpkgs when paved.yaml names no attribute for it. */
const TOOLCHAIN_ATTRS: Record<string, string[]> = {
  node: ["nodejs"],
  pnpm: ["pnpm"],
  yarn: ["yarn"],
  npm: ["nodejs"],
  bun: ["bun"],
  deno: ["deno"],
  python: ["python3"],
  uv: ["uv"],
  poetry: ["poetry"],
  go: ["go"],
  rust: ["cargo", "rustc"],
  java: ["jdk"],
  kotlin: ["kotlin"],
  maven: ["maven"],
  gradle: ["gradle"],
  ruby: ["ruby"],
  bundler: ["bundler"],
  php: ["php"],
  composer: ["phpPackages.composer"],
  dotnet: ["dotnet-sdk"],
  terraform: ["terraform"],
  opentofu: ["opentofu"],
};

/** The dev shells' toolchains as nixpkgs attributes, for the runners' PATH (sorted, without repeats). */
export function toolchainPackages(shells: Record<string, ShellSettings> = {}): string[] {
  const out = new Set<string>();
  for (const shell of Object.values(shells)) {
    for (const [toolchain, pin] of Object.entries(shell.toolchains ?? {})) {
      for (const attr of pin?.attr ? [pin.attr] : (TOOLCHAIN_ATTRS[toolchain] ?? [])) out.add(attr);
    }
    for (const attr of shell.packages ?? []) out.add(attr);
  }
  return [...out].sort();
}

/** Refuses anything but an absolute path outside the store; a token is named only by its masked prefix. */
export function checkRunnerSecrets(name: string, runner: RunnerSettings): void {
  if (/^https?:\/\/[^/]*@/.test(runner.url)) {
    throw new PavedError("E_SECRET_LITERAL", `hosts.${name}.runner.url must not carry credentials (user:token@…)`, {
      hint: "Use the plain URL; the token belongs in tokenFile.",
    });
  }
  for (const [label, value] of [
    ["url", runner.url],
    ...(runner.labels ?? []).map((l) => ["labels", l] as const),
  ] as const) {
    if (looksLikeSecret(value)) {
      throw new PavedError(
        "E_SECRET_LITERAL",
        `hosts.${name}.runner.${label}: got what looks like a literal secret (${maskSecret(value)})`,
        {
          hint: "Secrets belong in the file named by tokenFile on the host. Revoke the token if it was shared.",
        },
      );
    }
  }
  const problem = checkSecretPath(runner.tokenFile);
  if (problem) {
    const found =
      problem.code === "E_SECRET_LITERAL" || runner.tokenFile.startsWith("/")
        ? problem.found
        : "a relative value (not shown in case it is a token)";
    throw new PavedError(problem.code, `hosts.${name}.runner.tokenFile: expected ${problem.expected}, got ${found}`, {
      hint:
        problem.code === "E_SECRET_LITERAL"
          ? "Write the token to a file on the runner host (mode 0400, e.g. /run/secrets/ci-runner-token) and give its path; revoke the token if it was shared."
          : "Give an absolute path such as /run/secrets/ci-runner-token; the file must not be in the Nix store.",
      // A relative value may be an unprefixed registration token: never repeat it.
      details: {
        host: name,
        found:
          problem.code === "E_SECRET_LITERAL"
            ? maskSecret(runner.tokenFile)
            : runner.tokenFile.startsWith("/")
              ? runner.tokenFile
              : "(not shown)",
      },
    });
  }
}

function runnerHostTree(
  name: string,
  host: HostSettings,
  runner: RunnerSettings,
  packages: string[],
  config: Step1Config,
): NixExpr {
  const ciRunner: Record<string, NixValue> = {
    enable: true,
    provider: runner.provider,
    url: runner.url,
    // A string, never a path literal: a path would be copied into the world-readable store.
    tokenFile: str(runner.tokenFile, { style: "double" }),
    count: runner.count ?? 1,
    labels: ["nixos", ...(runner.labels ?? []).filter((label) => label !== "nixos")],
    extraPackages: list(packages.map((attr) => sel(id("pkgs"), attr.split(".")))),
  };
  // Unfree toolchains (terraform) are allowed by name only, as in the dev shells; never allowUnfree = true.
  const unfree = packages.filter((attr) => UNFREE_ATTRS.has(attr));
  return fn(
    { params: ["lib", "pkgs", "paved"], ellipsis: true },
    attrs([
      // `paved` is the platform flake's input (specialArgs). The machine's own part (disks, boot loader,
      // stateVersion) is the hand-written file next to this one.
      ["imports", list([sel(id("paved"), ["nixosModules", "ci-runner"]), path(`./${runnerHardwareFile(name)}`)])],
      [["networking", "hostName"], name],
      // The role's modules (baseline, logging, monitoring) and system.stateVersion, as on every other role.
      ...hostModuleBindings(name, host, config),
      ...(unfree.length > 0
        ? [
            [
              ["nixpkgs", "config", "allowUnfreePredicate"],
              nix`pkg: builtins.elem (lib.getName pkg) ${list(unfree)}`,
            ] as const,
          ]
        : []),
      [["paved", "ciRunner"], attrs(ciRunner)],
    ]),
  );
}

/**
 * hosts/NAME.nix for a host with role ci-runner: a NixOS module setting paved.ciRunner. The nixosConfigurations
 * entry (written by core's platform rendering) imports it together with nixosModules.ci-runner.
 */
export function renderRunnerHost(name: string, host: HostSettings, config: Step1Config): string {
  if (host.role !== "ci-runner" || !host.runner) {
    throw new PavedError("E_INPUT", `host ${name} is not a CI runner (role ${host.role})`, {
      hint: "Only hosts with role ci-runner and a runner section render this file.",
    });
  }
  checkRunnerSecrets(name, host.runner);
  const header = [
    `# CI runner host ${name} (${host.runner.provider}), from paved.yaml hosts.${name}. Targets nixos-26.05 and nixos-unstable.`,
    "# The token stays in the file named by tokenFile on the host; nothing secret is in this file or the store.",
  ].join("\n");
  return `${header}\n${renderNix(runnerHostTree(name, host, host.runner, toolchainPackages(config.shells), config))}`;
}

/** hosts/NAME.nix of every ci-runner host in paved.yaml, for `paved sync` (the hardware files are never regenerated). */
export function runnerHostFiles(config: Step1Config): GeneratedFile[] {
  return Object.entries(config.hosts ?? {})
    .filter(([, host]) => host.role === "ci-runner" && host.runner)
    .map(([name, host]) => ({
      path: `hosts/${name}.nix`,
      content: renderRunnerHost(name, host, config),
      source: "paved.yaml",
    }));
}
