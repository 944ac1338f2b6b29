/**
 * Every generated file of a platform repository, rendered from paved.yaml: flake.nix (core), one hosts/NAME.nix
 * per host, the team roster, the platform team's .envrc and the CI pipeline that runs `nix flake check` (which
 * builds every host). `paved init --platform` and `paved sync` both write exactly this set.
 *
 * Host files, team.nix and the pipeline come from the step packages when this build has their renderers; until
 * then the stand-ins below keep the flake evaluable and say in their header what replaces them.
 */
import { attrs, call, fn, hostFile, id, nixpkgsBranch, path, renderNix, renderPlatformFlake, sel, TEAM_FILE, type GeneratedFile, type HostConfig, type PavedConfig } from "@paved/core";

export const ENVRC = ".envrc";
export const GITHUB_CHECK = ".github/workflows/nix.yml";
export const GITLAB_CHECK = ".gitlab-ci.yml";

/** nixos-26.05 → "26.05": the state version a freshly installed host of the pinned release gets. */
export function stateVersion(config: PavedConfig): string {
  const match = /([0-9]{2}\.[0-9]{2})$/.exec(nixpkgsBranch(config.nixpkgs.release));
  // unstable: the newest stable release; stateVersion must never be ahead of what the host was installed with.
  return match?.[1] ?? "26.05";
}

/**
 * A host module that only names the host. Role modules (bastion, staging, ci-runner) come from @paved/baseline and
 * @paved/ci-runner; `paved sync` replaces this file once those renderers are in the build, because it is unedited.
 */
export function hardwareFile(name: string): string {
  return `hosts/${name}-hardware.nix`;
}

function placeholderHost(name: string, host: HostConfig, config: PavedConfig): GeneratedFile {
  const hardware = path(`./${name}-hardware.nix`);
  const body = renderNix(
    fn({ params: ["lib"], ellipsis: true }, attrs([
      // A real machine needs its file systems and boot loader: the hardware file holds them, kept by hand.
      ["imports", call(sel(id("lib"), "optional"), call(sel(id("builtins"), "pathExists"), hardware), hardware)],
      [["networking", "hostName"], name],
      // Set once when the host is installed; read the NixOS manual before changing it.
      [["system", "stateVersion"], stateVersion(config)],
    ])),
  );
  const note = [
    `# Host ${name}, role ${host.role}.`,
    `# Its hardware (file systems, boot loader) goes in ${name}-hardware.nix next to this file, written once by hand:`,
    `#   nixos-generate-config --show-hardware-config > ${hardwareFile(name)}`,
    "",
  ].join("\n");
  return { path: hostFile(name), content: note + body, source: "paved.yaml" };
}

function envrc(): GeneratedFile {
  return { path: ENVRC, content: "# The platform team's shell: nixfmt, git, openssh, jq (flake.nix devShells.default).\nuse flake\n", source: "paved.yaml" };
}

// Pinned by commit SHA (a tag can move); the same pins @paved/ci-runner renders, release in the comment.
const CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";
const INSTALL_NIX = "cachix/install-nix-action@13d8dd58da0234aa297dedd986986ccb8e7f3e24 # v31.11.1";

/** `nix flake check` builds `checks.<system>.<host>` = every host's system: a broken host fails the pull request. */
function flakeCheckPipeline(provider: "github" | "gitlab"): GeneratedFile {
  if (provider === "gitlab") {
    const content = [
      "# Builds every host configuration of the platform flake on each merge request and push.",
      "flake-check:",
      "  image: nixos/nix:2.28.3",
      "  variables:",
      '    NIX_CONFIG: "experimental-features = nix-command flakes"',
      "  script:",
      "    - nix flake check -L",
      "  rules:",
      '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
      "    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
      "",
    ].join("\n");
    return { path: GITLAB_CHECK, content, source: "paved.yaml" };
  }
  const content = [
    "# Builds every host configuration of the platform flake on each pull request and push to main.",
    "name: nix flake check",
    "on:",
    "  pull_request:",
    "  push:",
    "    branches: [main]",
    "permissions:",
    "  contents: read",
    "concurrency:",
    "  group: flake-check-${{ github.ref }}",
    "  cancel-in-progress: true",
    "jobs:",
    "  flake-check:",
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 60",
    "    steps:",
    `      - uses: ${CHECKOUT}`,
    `      - uses: ${INSTALL_NIX}`,
    "      - run: nix flake check -L",
    "",
  ].join("\n");
  return { path: GITHUB_CHECK, content, source: "paved.yaml" };
}

export interface PlatformRenderers {
  /** hosts/NAME.nix for a host's role; undefined: the placeholder above. */
  host?: (name: string, host: HostConfig, config: PavedConfig) => GeneratedFile | undefined;
  /** team.nix from the roster; undefined: no team.nix, and the flake does not import one. */
  team?: (config: PavedConfig) => GeneratedFile | undefined;
  /** The CI files for paved.yaml's `ci` section; undefined: the flake-check pipeline above. */
  ci?: (root: string, config: PavedConfig) => GeneratedFile[];
}

/** The renderers this build has (wired in as the step packages land on main). */
export const renderers: PlatformRenderers = {};

export function renderPlatformFiles(root: string, config: PavedConfig, r: PlatformRenderers = renderers): GeneratedFile[] {
  const team = config.team && Object.keys(config.team.users).length > 0 ? r.team?.(config) : undefined;
  const files: GeneratedFile[] = [renderPlatformFlake(config, { team: team !== undefined })];
  if (team) files.push({ ...team, path: TEAM_FILE });
  for (const [name, host] of Object.entries(config.hosts)) files.push(r.host?.(name, host, config) ?? placeholderHost(name, host, config));
  files.push(envrc());
  const provider = config.ci?.provider ?? "github";
  const ci = r.ci && config.ci ? r.ci(root, config) : [];
  files.push(...(ci.length > 0 ? ci : [flakeCheckPipeline(provider)]));
  return files;
}
