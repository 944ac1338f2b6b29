import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (dir: string) => fileURLToPath(new URL(`${dir}/src/index.ts`, import.meta.url));

// Tests import every workspace package from its source, so nothing has to be built first.
export default defineConfig({
  resolve: {
    alias: {
      "@paved/core/errors": fileURLToPath(new URL("packages/core/src/errors.ts", import.meta.url)),
      "@paved/core/secrets": fileURLToPath(new URL("packages/core/src/secrets/index.ts", import.meta.url)),
      "@paved/core": pkg("packages/core"),
      "@paved/devshell/warm": fileURLToPath(new URL("packages/devshell/src/warm.ts", import.meta.url)),
      "@paved/devshell/shell": fileURLToPath(new URL("packages/devshell/src/shell/index.ts", import.meta.url)),
      "@paved/platform/shells": fileURLToPath(new URL("packages/platform/src/shells.ts", import.meta.url)),
      "@paved/devshell": pkg("packages/devshell"),
      "@paved/ci-runner": pkg("packages/ci-runner"),
      "@paved/baseline": pkg("packages/baseline"),
      "@paved/rollout": pkg("packages/rollout"),
      "@paved/platform": pkg("packages/platform"),
      "@paved/fixtures": fileURLToPath(new URL("fixtures/index.ts", import.meta.url)),
    },
  },
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "test/**/*.test.ts",
      "fixtures/test/**/*.test.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Nix builds and sshd servers are real; two cores do not like many at once.
    maxWorkers: 2,
    reporters: ["default", "./test/summary-reporter.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/cleanup.ts"],
    // @actions/workflow-parser imports its JSON schema without an import attribute, which Node's own loader
    // refuses; let vite bundle it for the CI validation tests.
    server: { deps: { inline: [/@actions\/workflow-parser/] } },
  },
});
