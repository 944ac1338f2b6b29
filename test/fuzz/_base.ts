/** The paved.yaml every fuzz case starts from (every section, valid), and the places a case may change. */
import type { PathSegment } from "@paved/core";

export const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtGnh5ruwn7K2y8pMkbJXnAo2ZTFCeF5BD8wBX7fR4H alice@laptop";

export const BASE = {
  version: 1,
  platform: { name: "Acme", paved: "github:paved-dev/paved" },
  nixpkgs: { release: "nixos-26.05" },
  shells: {
    default: {
      packages: ["jq"],
      toolchains: { node: { version: "22", attr: "nodejs_22", from: ".nvmrc" } },
      env: { FOO: "bar" },
      shellHook: "echo hi",
      unfree: ["terraform"],
    },
    api: { dir: "services/api", toolchains: { go: { version: "1.24" } } },
  },
  ci: {
    provider: "github",
    nixVersion: "2.28.3",
    steps: { default: ["npm test"] },
    cache: { kind: "cachix", name: "acme", tokenSecret: "CACHIX_AUTH_TOKEN" },
    branches: ["main"],
  },
  team: {
    groups: ["ops"],
    users: {
      alice: { keys: [KEY], groups: ["wheel", "ops"], description: "Alice", expires: "2027-12-31" },
      jo: { keys: [KEY], jumpOnly: true },
    },
  },
  hosts: {
    "bastion-1": { role: "bastion", address: "10.0.0.5", sshUser: "deploy", stateVersion: "26.05", tags: ["edge"] },
    "staging-1": { role: "staging", address: "staging-1.example.com" },
    "ci-1": {
      role: "ci-runner",
      runner: { provider: "github", url: "https://github.com/acme", tokenFile: "/run/secrets/gh", labels: ["nixos"] },
    },
  },
  roles: {
    bastion: { sshAllowFrom: ["10.0.0.0/8"] },
    staging: {
      modules: { logging: true },
      logging: { sink: { url: "https://loki.example.com", labels: { env: "prod" } } },
      autoUpgrade: { flake: "git+ssh://git@github.com/acme/platform", dates: "04:40" },
    },
  },
  rollout: {
    waves: [
      { name: "canary", hosts: 1 },
      { name: "rest", hosts: "rest" },
    ],
    healthChecks: [
      { type: "http", url: "http://{address}:8080/health" },
      { type: "command", run: "df -h /" },
    ],
    buildHost: "builder@build.example.com",
    flake: ".",
    ssh: {
      options: ["ProxyJump=bastion-1"],
      identityFile: "/run/secrets/deploy-key",
      knownHostsFile: "/etc/ssh/known_hosts",
    },
    profile: "/nix/var/nix/profiles/system",
  },
  repos: ["../api"],
  "x-notes": "hand-written notes",
};

/** Values a case replaces (every string field of BASE). */
export const VALUE_PATHS: PathSegment[][] = [
  ["platform", "name"],
  ["platform", "paved"],
  ["nixpkgs", "release"],
  ["shells", "default", "packages", 0],
  ["shells", "default", "toolchains", "node", "version"],
  ["shells", "default", "toolchains", "node", "attr"],
  ["shells", "default", "toolchains", "node", "from"],
  ["shells", "default", "env", "FOO"],
  ["shells", "default", "shellHook"],
  ["shells", "default", "unfree", 0],
  ["shells", "api", "dir"],
  ["shells", "api", "toolchains", "go", "version"],
  ["ci", "nixVersion"],
  ["ci", "steps", "default", 0],
  ["ci", "cache", "name"],
  ["ci", "cache", "tokenSecret"],
  ["ci", "branches", 0],
  ["team", "groups", 0],
  ["team", "users", "alice", "keys", 0],
  ["team", "users", "alice", "groups", 1],
  ["team", "users", "alice", "description"],
  ["team", "users", "alice", "expires"],
  ["hosts", "bastion-1", "address"],
  ["hosts", "bastion-1", "sshUser"],
  ["hosts", "bastion-1", "stateVersion"],
  ["hosts", "bastion-1", "tags", 0],
  ["hosts", "ci-1", "runner", "url"],
  ["hosts", "ci-1", "runner", "tokenFile"],
  ["hosts", "ci-1", "runner", "labels", 0],
  ["roles", "bastion", "sshAllowFrom", 0],
  ["roles", "staging", "logging", "sink", "url"],
  ["roles", "staging", "logging", "sink", "labels", "env"],
  ["roles", "staging", "autoUpgrade", "flake"],
  ["roles", "staging", "autoUpgrade", "dates"],
  ["rollout", "waves", 0, "name"],
  ["rollout", "healthChecks", 0, "url"],
  ["rollout", "healthChecks", 1, "run"],
  ["rollout", "buildHost"],
  ["rollout", "flake"],
  ["rollout", "ssh", "options", 0],
  ["rollout", "ssh", "identityFile"],
  ["rollout", "ssh", "knownHostsFile"],
  ["rollout", "profile"],
  ["repos", 0],
  ["x-notes"],
];

/** Map keys a case renames (names of hosts, users, shells, env variables, labels). */
export const KEY_PATHS: PathSegment[][] = [
  ["hosts", "staging-1"],
  ["team", "users", "alice"],
  ["shells", "api"],
  ["shells", "default", "env", "FOO"],
  ["roles", "staging", "logging", "sink", "labels", "env"],
  ["x-notes"],
];
