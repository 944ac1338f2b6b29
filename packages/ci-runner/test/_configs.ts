import type { Step1Config } from "@paved/ci-runner";

/** A monorepo the way paved.yaml describes it after `paved init`: three shells, detected toolchains. */
const shells: Step1Config["shells"] = {
  default: { toolchains: { node: { version: "22" }, pnpm: { version: "10" } } },
  api: { dir: "services/api", toolchains: { go: { version: "1.24" } } },
  worker: { dir: "services/worker", toolchains: { rust: { version: "1.86" } } },
  tools: { dir: "tools", toolchains: { python: { version: "3.13" }, uv: { version: "0.7" } } },
};

/** The team's S3 cache (paved.yaml cache:), pushed with a signing key and AWS credentials from CI secrets. */
const teamCache: NonNullable<Step1Config["cache"]> = {
  kind: "s3",
  url: "s3://acme-nix?region=eu-west-1&endpoint=minio.acme.internal",
  publicKey: "acme-1:GcGe/3oIjlG0+lX1LL9QTFArmwaaBObNPzZ4d8wfZwU=",
  port: 5000,
  push: {
    signingKeySecret: "NIX_CACHE_SIGNING_KEY",
    env: { AWS_ACCESS_KEY_ID: "CACHE_AWS_KEY_ID", AWS_SECRET_ACCESS_KEY: "CACHE_AWS_SECRET" },
  },
  extraSubstituters: [],
};

export const CONFIGS: Record<string, Step1Config> = {
  "github-monorepo": {
    shells,
    ci: {
      provider: "github",
      // One hand-written step with shell syntax, to prove it keeps its meaning inside the dev shell.
      steps: { worker: ["cargo test --locked", 'cargo clippy -- -D warnings && echo "clippy: ok"'] },
    },
  },
  "github-self-hosted": {
    shells,
    ci: { provider: "github", selfHosted: { labels: ["nixos", "paved-ci"], hasNix: true }, timeoutMinutes: 45 },
  },
  "github-cachix": {
    shells: { default: shells.default! },
    ci: {
      provider: "github",
      nixVersion: "2.31.2",
      cache: { kind: "cachix", name: "acme", tokenSecret: "ACME_CACHIX_TOKEN" },
      branches: ["main", "release"],
    },
  },
  "gitlab-monorepo": { shells, ci: { provider: "gitlab" } },
  "gitlab-self-hosted": { shells, ci: { provider: "gitlab", selfHosted: { labels: ["nixos"], hasNix: true } } },
  "gitlab-cachix": {
    shells: { default: shells.default! },
    ci: { provider: "gitlab", cache: { kind: "cachix", name: "acme" } },
  },
  "github-team-cache": {
    shells: { default: shells.default! },
    cache: teamCache,
    ci: { provider: "github", branches: ["main"] },
  },
  "gitlab-team-cache": { shells: { default: shells.default! }, cache: teamCache, ci: { provider: "gitlab" } },
};
