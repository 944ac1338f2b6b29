// The pure parts of `paved shell`: the rc script (run by real bash), shell choice by directory, .envrc text, keys.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheKey, renderEnvrc, renderRc, shellForDir, type DevEnv } from "@paved/devshell";

function bashWithRc(env: DevEnv, script: string, cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  const rc = join(cwd, "rc.sh");
  writeFileSync(rc, renderRc(env));
  return execFileSync("bash", ["-c", `. ${rc}\n${script}`], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...extraEnv },
  });
}

describe("renderRc", () => {
  const dir = mkdtempSync(join(tmpdir(), "paved-rc-"));
  const env: DevEnv = {
    variables: {
      PATH: { type: "exported", value: "/nix/store/aaaa-tool/bin" },
      TRICKY: { type: "exported", value: 'it\'s "q" $HOME `x` \\ \n second line' },
      plain: { type: "var", value: "not exported" },
      list: { type: "array", value: ["a b", "c'd"] },
      map: { type: "associative", value: { "k 1": "v1", k2: "v'2" } },
      out: { type: "exported", value: "/nix/store/bbbb-shell" },
      outputs: { type: "exported", value: "out" },
      ref: { type: "exported", value: "prefix:/nix/store/bbbb-shell/lib:suffix" },
      HOME: { type: "exported", value: "/homeless-shelter" },
      TMPDIR: { type: "exported", value: "/build" },
      SHELL: { type: "var", value: "/usr/sbin/nologin" },
      weird: { type: "unknown" },
      shellHook: { type: "exported", value: "export FROM_HOOK=$(greet)" },
    },
    bashFunctions: { greet: '\n    echo "hi from $plain"\n' },
  };

  it("sets every typed variable exactly, puts the shell's PATH first and runs the hook with the functions defined", () => {
    const out = bashWithRc(
      env,
      [
        'printf "%s\\n" "$TRICKY"',
        'printf "exported=%s\\n" "$(printenv TRICKY | head -c 4)"',
        'printf "plain-env=%s\\n" "$(printenv plain || echo none)"',
        'printf "list=%s|%s\\n" "${list[0]}" "${list[1]}"',
        'printf "map=%s|%s\\n" "${map[k 1]}" "${map[k2]}"',
        'printf "path=%s\\n" "$PATH"',
        'printf "hook=%s\\n" "$FROM_HOOK"',
        'printf "home=%s tmp=%s shell=%s\\n" "$HOME" "$TMPDIR" "$SHELL"',
      ].join("\n"),
      dir,
      { PATH: "/usr/bin:/bin", HOME: "/home/me", SHELL: "/bin/zsh" },
    );
    expect(out).toContain('it\'s "q" $HOME `x` \\ \n second line\n');
    expect(out).toContain("exported=it's");
    expect(out).toContain("plain-env=none");
    expect(out).toContain("list=a b|c'd");
    expect(out).toContain("map=v1|v'2");
    expect(out).toContain("path=/nix/store/aaaa-tool/bin:/usr/bin:/bin\n");
    expect(out).toContain("hook=hi from not exported");
    // a fresh directory in the caller's temp dir, as nix develop makes
    const [, home, tmp, shell] = /home=(\S*) tmp=(\S*) shell=(\S*)/.exec(out) ?? [];
    expect({ home, shell }).toEqual({ home: "/home/me", shell: "/bin/zsh" });
    expect(tmp?.startsWith(`${tmpdir()}/nix-shell.`), tmp).toBe(true);
  });

  it("rewrites output paths to $PWD/outputs/<name>, as nix develop does", () => {
    const out = bashWithRc(env, 'printf "%s\\n%s\\n" "$out" "$ref"', dir);
    expect(out).toBe(`${dir}/outputs/out\nprefix:${dir}/outputs/out/lib:suffix\n`);
  });
});

describe("shellForDir", () => {
  const dirs: [string, string][] = [
    ["services/api", "api"],
    ["services/api/admin", "admin"],
    ["web/", "web"],
  ];
  it("picks the longest sub-project containing the directory, else default", () => {
    expect(shellForDir(dirs, "")).toEqual({ shell: "default" });
    expect(shellForDir(dirs, "services/api")).toMatchObject({ shell: "api" });
    expect(shellForDir(dirs, "services/api/src")).toMatchObject({ shell: "api" });
    expect(shellForDir(dirs, "services/api/admin/x")).toMatchObject({ shell: "admin" });
    expect(shellForDir(dirs, "services/apigw")).toEqual({ shell: "default" });
    expect(shellForDir(dirs, "web")).toMatchObject({ shell: "web" });
  });
});

describe("renderEnvrc", () => {
  it("loads through paved when installed, falls back to use flake, and watches the flake's files", () => {
    const text = renderEnvrc({});
    expect(text).toContain("watch_file flake.nix flake.lock paved.yaml");
    // Warm: the stamp decides and the cached environment is sourced, no paved process; else paved, else use flake.
    expect(text).toContain(
      'if [ -r "$__paved_d/stamp" ] && . "$__paved_d/stamp" && __paved_fresh && [ -r "$__paved_d/env" ]; then\n  . "$__paved_d/env"',
    );
    expect(text).toMatch(
      /elif has paved; then\n\s+if __paved_env="\$\(paved direnv-export --stamp-dir "\$__paved_d"\)"; then\n\s+eval "\$__paved_env"/,
    );
    expect(text).toContain("use flake . --extra-experimental-features 'nix-command flakes'");
    expect(() => execFileSync("bash", ["-n"], { input: text })).not.toThrow();
  });

  it("passes the shell, a sub-project's path to the flake and the air-gap nixpkgs to both paths, quoted", () => {
    const text = renderEnvrc({ shell: "api", flakeDir: "../..", nixpkgsPath: "/srv/nix pkgs", watch: ["go.mod"] });
    expect(text).toContain("watch_file ../../flake.nix ../../flake.lock ../../paved.yaml go.mod");
    expect(text).toContain("paved direnv-export --shell api --nixpkgs '/srv/nix pkgs'");
    expect(text).toContain(
      "use flake '../..#api' --extra-experimental-features 'nix-command flakes' --override-input nixpkgs 'path:/srv/nix pkgs'",
    );
    expect(() => execFileSync("bash", ["-n"], { input: text })).not.toThrow();
  });
});

describe("cacheKey", () => {
  const parts = {
    root: "/r",
    shell: "default",
    system: "x86_64-linux",
    nixId: "/usr/bin/nix:1:2",
    inputs: [
      { path: "/r/flake.nix", hash: "a" },
      { path: "/r/flake.lock", hash: "b" },
    ],
  };
  it("changes with any part and not with the order of inputs", () => {
    const key = cacheKey(parts);
    expect(cacheKey({ ...parts, inputs: [...parts.inputs].reverse() })).toBe(key);
    expect(cacheKey({ ...parts, shell: "api" })).not.toBe(key);
    expect(cacheKey({ ...parts, system: "aarch64-linux" })).not.toBe(key);
    expect(cacheKey({ ...parts, nixId: "/usr/bin/nix:1:3" })).not.toBe(key);
    expect(cacheKey({ ...parts, inputs: [{ path: "/r/flake.nix", hash: "a2" }, parts.inputs[1]!] })).not.toBe(key);
    expect(cacheKey({ ...parts, inputs: [...parts.inputs, { path: "/r/x.nix", hash: "absent" }] })).not.toBe(key);
  });
});
