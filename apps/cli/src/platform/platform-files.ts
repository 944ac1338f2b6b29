/**
 * Every generated file of a platform repository, rendered from paved.yaml by the package that owns it:
 * flake.nix (core), team.nix and the bastion/staging/internal hosts (baseline), CI runner hosts and the pipeline
 * that runs `nix flake check`, which builds every host (ci-runner), and the platform team's .envrc (devshell).
 * `paved init --platform` and `paved sync` both write exactly this set. Hardware files (hosts/NAME-hardware.nix)
 * are the team's own and never generated.
 */
import { hostFile, renderPlatformFlake, type GeneratedFile, type PavedConfig } from "@paved/core";
import { renderRoleHost, renderTeamFile, ROLE_HOST_ROLES } from "@paved/baseline";
import { renderCiFiles, renderRunnerHost } from "@paved/ci-runner";
import { ENVRC_FILE, renderEnvrc } from "@paved/devshell";

function hostFiles(config: PavedConfig): GeneratedFile[] {
  return Object.entries(config.hosts).map(([name, host]) => {
    if ((ROLE_HOST_ROLES as readonly string[]).includes(host.role)) return renderRoleHost(name, host, config);
    // The schema allows no other role: ci-runner hosts always have a runner section.
    return { path: hostFile(name), content: renderRunnerHost(name, host, config), source: "paved.yaml" };
  });
}

export async function renderPlatformFiles(root: string, config: PavedConfig): Promise<GeneratedFile[]> {
  const team = await renderTeamFile(config, root);
  return [
    renderPlatformFlake(config, { team: team !== undefined }),
    ...(team ? [team] : []),
    ...hostFiles(config),
    // The platform flake's devShells.default (nixfmt, git, openssh, jq), loaded on cd like an application's shell.
    { path: ENVRC_FILE, content: renderEnvrc(), source: "paved.yaml" },
    ...(config.ci ? renderCiFiles(root, config) : []),
  ];
}
