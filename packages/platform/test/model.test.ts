import { describe, expect, it } from "vitest";
import { hardwareState, parseConfig, renderHardwareStarter } from "@paved/core";
import { ejectedBody, renderPlatformFiles, repositoryFiles, STEPS, STEP_TITLES } from "@paved/platform";
import { renderEnvrc } from "@paved/devshell";

const PLATFORM = `version: 1
platform: { name: Acme }
team:
  groups: [ops]
  users:
    alice: { keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHknU+yDw3I9Wr02e6f/pWQx2hYLC27Y07V+AHZzrtY alice@acme.example"], groups: [wheel] }
roles:
  ci-runner:
    modules: { monitoring: true }
hosts:
  bastion-1: { role: bastion }
  ci-1:
    role: ci-runner
    runner: { provider: github, url: "https://github.com/acme", tokenFile: /run/secrets/gh }
ci: { provider: github }
`;

describe("the steps table", () => {
  it("has the five steps in order, each owned by one package, with what proves it", () => {
    expect(STEPS.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(STEPS.map((s) => s.owner)).toEqual([
      "@paved/ci-runner",
      "@paved/devshell",
      "@paved/baseline",
      "@paved/baseline",
      "@paved/rollout",
    ]);
    for (const s of STEPS) expect(s.evidence.length, `step ${s.step}`).toBeGreaterThan(20);
    expect(STEP_TITLES[3]).toBe("Non-critical roles on NixOS");
  });

  it("assembles a platform's files from the table: the flake, then each step's, every host once", async () => {
    const config = parseConfig(PLATFORM).config;
    const files = await renderPlatformFiles("/nonexistent", config);
    const paths = files.map((f) => f.path);
    expect(paths[0]).toBe("flake.nix");
    expect(paths.sort()).toEqual([
      ".envrc",
      ".github/workflows/nix.yml",
      "flake.nix",
      "hosts/bastion-1.nix",
      "hosts/ci-1.nix",
      "team.nix",
    ]);
    expect(await repositoryFiles("/nonexistent", config)).toHaveLength(paths.length);
    const runner = files.find((f) => f.path === "hosts/ci-1.nix")!.content;
    // The runner takes its role's modules and an explicit stateVersion, like every role.
    expect(runner).toMatch(/system\.stateVersion = "\d\d\.\d\d";/);
    expect(runner).toContain("paved.monitoring");
    expect(files.find((f) => f.path === "hosts/bastion-1.nix")!.content).toMatch(
      /system\.stateVersion = "\d\d\.\d\d";/,
    );
  });
});

describe("hardware files", () => {
  it("tells missing, empty (the starter, or no fileSystems outside comments) and present apart", () => {
    expect(hardwareState(undefined)).toBe("missing");
    expect(hardwareState(renderHardwareStarter("x"))).toBe("empty");
    expect(hardwareState('{ ... }: {\n  # fileSystems."/" = { device = "/dev/sda1"; };\n}\n')).toBe("empty");
    expect(hardwareState('{ ... }: { fileSystems."/" = { device = "/dev/vda1"; fsType = "ext4"; }; }')).toBe("present");
  });
});

describe("ejected files", () => {
  it("keep no instruction to run paved: the .envrc is direnv's own, the flake's description is plain", () => {
    const envrc = ejectedBody(".envrc", renderEnvrc());
    expect(envrc).toMatch(/^use flake/m);
    expect(envrc).toMatch(/^watch_file /m);
    expect(envrc).not.toMatch(/paved (direnv-export|shell)|has paved|__paved/);
    expect(
      ejectedBody(
        "flake.nix",
        '{\n  description = "Development shells (edit paved.yaml, then run `paved sync`)";\n}\n',
      ),
    ).toBe('{\n  description = "Development shells";\n}\n');
    expect(ejectedBody("hosts/x.nix", "# Change the role in paved.yaml, then run `paved sync`.\n{ }\n")).toBe("{ }\n");
  });
});
