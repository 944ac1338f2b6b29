/**
 * Credential formats paved refuses wherever they appear. Each pattern is anchored on the vendor's documented
 * prefix and body alphabet; bodies are matched with a lower bound a little under the real length so that
 * truncated pastes are refused too. `show` is the part that may be printed: the kind, never the body.
 */
export interface SecretFormat {
  /** Stable id, used in --json details and tests. */
  id: string;
  /** How a person reads it in an error ("a GitHub token"). */
  label: string;
  pattern: RegExp;
  /** The printable, masked form of a match. */
  show: (match: string) => string;
  /** A further check of a match, for formats whose shape alone is too common. */
  accept?: (match: string) => boolean;
}

const prefixOf = (re: RegExp) => (match: string) => `${re.exec(match)?.[0] ?? match.slice(0, 4)}…`;
// No word boundary before a prefix: a token glued to other text (`nixosAKIA…`, `ci-ghp_…`) is still the token.
const B = "";

export const SECRET_FORMATS: readonly SecretFormat[] = [
  // GitHub: classic PAT, OAuth, user-to-server, server-to-server, refresh; fine-grained PAT.
  {
    id: "github-token",
    label: "a GitHub token",
    pattern: new RegExp(`${B}gh[pousr]_[A-Za-z0-9]{16,}`, "g"),
    show: prefixOf(/^gh[pousr]_/),
  },
  {
    id: "github-pat",
    label: "a GitHub fine-grained token",
    pattern: new RegExp(`${B}github_pat_[A-Za-z0-9_]{16,}`, "g"),
    show: () => "github_pat_…",
  },
  // GitLab: personal/project/group access, runner auth, deploy, pipeline trigger, feed, OAuth app secret, runner registration.
  {
    id: "gitlab-token",
    label: "a GitLab token",
    pattern: new RegExp(
      `${B}(glpat|glrt|gldt|glptt|glft|glimt|glagent|gloas|glcbt|glsoat|glffct)-[A-Za-z0-9_-]{16,}`,
      "g",
    ),
    show: prefixOf(/^[a-z]+-/),
  },
  {
    id: "gitlab-runner-registration",
    label: "a GitLab runner registration token",
    pattern: new RegExp(`${B}GR1348941[A-Za-z0-9_-]{16,}`, "g"),
    show: () => "GR1348941…",
  },
  // AWS access key ids: long-term (AKIA), temporary (ASIA), and the other documented key-id prefixes.
  {
    id: "aws-access-key-id",
    label: "an AWS access key id",
    pattern: new RegExp(`${B}(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}`, "g"),
    show: prefixOf(/^[A-Z0-9]{4}/),
  },
  // AWS secret keys are 40 base64 characters with no prefix: only recognisable next to their name.
  {
    id: "aws-secret-key",
    label: "an AWS secret access key",
    pattern: /(aws|secret)[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}/gi,
    show: (m) => `${/^[A-Za-z0-9_.-]+/.exec(m)?.[0] ?? "secret"}=…`,
    // A generated key mixes cases and digits; `tokenSecret: CACHIX_AUTH_TOKEN_…` or `xxxx…` does not.
    accept: (m) => {
      const body = m.slice(-40);
      return /[a-z]/.test(body) && /[A-Z]/.test(body) && /[0-9]/.test(body);
    },
  },
  {
    id: "slack-token",
    label: "a Slack token",
    pattern: new RegExp(`${B}xox[abeoprs]-[A-Za-z0-9-]{10,}`, "g"),
    show: prefixOf(/^xox.-/),
  },
  {
    id: "slack-app-token",
    label: "a Slack app token",
    pattern: new RegExp(`${B}xapp-[0-9]-[A-Za-z0-9-]{10,}`, "g"),
    show: () => "xapp-…",
  },
  {
    id: "slack-webhook",
    label: "a Slack webhook URL",
    pattern: /https:\/\/hooks\.slack\.com\/(services|workflows)\/[A-Za-z0-9/_-]{20,}/g,
    show: () => "https://hooks.slack.com/…",
  },
  {
    id: "google-api-key",
    label: "a Google API key",
    pattern: new RegExp(`${B}AIza[A-Za-z0-9_-]{35}`, "g"),
    show: () => "AIza…",
  },
  {
    id: "google-oauth-secret",
    label: "a Google OAuth client secret",
    pattern: new RegExp(`${B}GOCSPX-[A-Za-z0-9_-]{20,}`, "g"),
    show: () => "GOCSPX-…",
  },
  { id: "npm-token", label: "an npm token", pattern: new RegExp(`${B}npm_[A-Za-z0-9]{36}`, "g"), show: () => "npm_…" },
  {
    id: "pypi-token",
    label: "a PyPI token",
    pattern: new RegExp(`${B}pypi-AgE[A-Za-z0-9_-]{40,}`, "g"),
    show: () => "pypi-…",
  },
  {
    id: "stripe-key",
    label: "a Stripe secret key",
    pattern: new RegExp(`${B}(sk|rk)_(live|test)_[A-Za-z0-9]{16,}`, "g"),
    show: prefixOf(/^[a-z]{2}_[a-z]{4}_/),
  },
  {
    id: "stripe-webhook-secret",
    label: "a Stripe webhook secret",
    pattern: new RegExp(`${B}whsec_[A-Za-z0-9]{24,}`, "g"),
    show: () => "whsec_…",
  },
  {
    id: "cachix-token",
    label: "a Cachix or other JWT token",
    pattern: new RegExp(`${B}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}`, "g"),
    show: () => "eyJ…",
  },
  {
    id: "openai-key",
    label: "an OpenAI key",
    pattern: new RegExp(`${B}sk-(proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}`, "g"),
    show: () => "sk-…",
  },
  {
    id: "anthropic-key",
    label: "an Anthropic key",
    pattern: new RegExp(`${B}sk-ant-[a-z0-9]+-[A-Za-z0-9_-]{20,}`, "g"),
    show: () => "sk-ant-…",
  },
  {
    id: "digitalocean-token",
    label: "a DigitalOcean token",
    pattern: new RegExp(`${B}do[opr]_v1_[a-f0-9]{64}`, "g"),
    show: prefixOf(/^do._v1_/),
  },
  {
    id: "hashicorp-token",
    label: "a HashiCorp Vault or Terraform token",
    pattern: new RegExp(`${B}(hvs\\.[A-Za-z0-9_-]{24,}|[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_-]{60,})`, "g"),
    show: () => "hvs.…",
  },
  {
    id: "sendgrid-key",
    label: "a SendGrid key",
    pattern: new RegExp(`${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}`, "g"),
    show: () => "SG.…",
  },
  {
    id: "tailscale-key",
    label: "a Tailscale key",
    pattern: new RegExp(`${B}tskey-[a-z]+-[A-Za-z0-9-]{16,}`, "g"),
    show: () => "tskey-…",
  },
  // Private keys: PEM (RSA, EC, PKCS#8, encrypted, OpenSSH), PGP, age, PuTTY, and an OpenSSH key's body alone.
  {
    id: "private-key",
    label: "a private key",
    pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/g,
    show: () => "-----BEGIN …",
  },
  {
    id: "openssh-key-body",
    label: "an OpenSSH private key",
    pattern: /b3BlbnNzaC1rZXktdjE/g,
    show: () => "b3BlbnNzaC1rZXktdjE…",
  },
  {
    id: "age-key",
    label: "an age secret key",
    pattern: /AGE-SECRET-KEY-1[0-9A-Z]{20,}/gi,
    show: () => "AGE-SECRET-KEY-…",
  },
  {
    id: "putty-key",
    label: "a PuTTY private key",
    pattern: /PuTTY-User-Key-File-[0-9]+:/g,
    show: () => "PuTTY-User-Key-File…",
  },
  // A Nix binary-cache signing key (`nix key generate-secret`): NAME: and 64 bytes of base64. Its public half is
  // 32 bytes, so a public key never matches; the name is public and may be shown.
  {
    id: "nix-signing-key",
    label: "a Nix signing key",
    pattern: /[A-Za-z0-9._-]+:[A-Za-z0-9+/]{86}==/g,
    show: (m) => `${m.slice(0, m.indexOf(":") + 1)}…`,
  },
];

/** Query parameters that carry credentials (GitLab private_token, OAuth access_token, S3/Azure signatures …). */
export const SECRET_QUERY_PARAM =
  /^(.*[_-])?(token|access[_-]?token|private[_-]?token|auth|authorization|password|passwd|pwd|pass|secret|client[_-]?secret|api[_-]?key|apikey|key|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|credentials?|session)$/i;

/** Names (map keys, variable names) whose value is a credential whatever it looks like. */
export const SECRET_NAME =
  /(pass(word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credentials?|auth[_-]?key)$/i;
