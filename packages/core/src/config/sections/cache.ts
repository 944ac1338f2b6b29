/**
 * `cache:` — the team's binary cache (issue 19). One cache the team pushes to (CI, rollouts) and every host,
 * runner and developer substitutes from, plus read-only extra substituters. The private signing key never
 * appears here: only the path of a file holding it (on the cache host, or on the machine that pushes).
 */
import { looksLikeSecret } from "../_secret.ts";
import { s } from "../_schema_compound.ts";
import { describeFound } from "../_messages.ts";
import { notSecret, type Infer } from "../_schema.ts";
import { hostName } from "./_common.ts";

/** "NAME:" + base64 of a 32-byte ed25519 public key, as `nix key convert-secret-to-public` prints it. */
export const NIX_PUBLIC_KEY = /^[A-Za-z0-9._-]+:[A-Za-z0-9+/]{43}=$/;
const publicKeyExpected = 'a Nix public key "NAME:BASE64" (the output of `nix key convert-secret-to-public`)';

const nixPublicKey = notSecret(s.string({ minLength: 1, expected: publicKeyExpected }))
  .refineWith((value, report) => {
    if (!looksLikeSecret(value) && !NIX_PUBLIC_KEY.test(value)) report([], publicKeyExpected, describeFound(value));
  })
  .expecting(publicKeyExpected);

/** Where Nix substitutes from: an HTTP(S) binary cache, an S3-compatible bucket, or a local/served directory. */
const SUBSTITUTER = /^(https?:\/\/[^\s?#]+|s3:\/\/[a-z0-9][a-z0-9.-]{1,62}(\?[^\s#]*)?|file:\/\/\/[^\s?#]*)$/;
const substituterExpected = "a binary cache URL: https://…, http://…, s3://BUCKET?region=…&endpoint=… or file:///DIR";
const substituterUrl = notSecret(s.string({ pattern: SUBSTITUTER, expected: substituterExpected })).refineWith(
  (value, report) => {
    // Credentials belong in the environment (AWS_*), netrc or a CI secret, never in a URL that is committed.
    if (
      /^[a-z0-9]+:\/\/[^/\s]*@/.test(value) ||
      /[?&](secret-key|aws_secret_access_key|password|token)=/i.test(value)
    ) {
      report(
        [],
        "a URL without credentials (give them through the environment or a CI secret)",
        "a URL carrying a credential",
        { code: "E_SECRET_LITERAL" },
      );
    }
  },
);

/** Where pushes go: any store URL `nix copy --to` takes (ssh-ng:// to the cache host, s3://, file://…). */
const STORE_URL =
  /^(https?:\/\/[^\s?#]+|s3:\/\/[a-z0-9][a-z0-9.-]{1,62}(\?[^\s#]*)?|file:\/\/\/[^\s?#]*|ssh(-ng)?:\/\/([a-z_][a-z0-9_-]*@)?[A-Za-z0-9.:-]+)$/;
const storeUrl = notSecret(
  s.string({
    pattern: STORE_URL,
    expected: "a store URL for nix copy --to: ssh-ng://[user@]host, s3://BUCKET?…, file:///DIR",
  }),
);

const ciSecretName = s.string({
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  expected: "the NAME of a CI secret variable, like NIX_CACHE_SIGNING_KEY",
});

const extra = s.object({
  url: substituterUrl,
  publicKey: nixPublicKey,
});

export const cacheSchema = s
  .object({
    kind: s
      .enum(["harmonia", "s3", "hosted"])
      .describe(
        "harmonia: served by a paved host with role cache; s3: an S3-compatible bucket; hosted: an existing cache (Cachix, a company cache).",
      ),
    url: substituterUrl
      .optional()
      .describe(
        "The substituter URL hosts, runners and developers fetch from (harmonia: default http://HOST-ADDRESS:PORT).",
      ),
    publicKey: nixPublicKey.describe("The cache's public key; every client trusts it (trusted-public-keys)."),
    host: hostName.optional().describe("harmonia: the host (role cache) that serves its /nix/store."),
    port: s.int({ min: 1, max: 65535 }).default(5000).describe("harmonia: the port it listens on."),
    signingKeyFile: s
      .secretPath()
      .optional()
      .describe(
        "harmonia: file on the cache host holding the private signing key (`nix key generate-secret`), read by systemd as a credential.",
      ),
    priority: s
      .int({ min: 1, max: 100 })
      .optional()
      .describe("Substituter priority (lower is tried first; cache.nixos.org is 40)."),
    push: s
      .object({
        to: storeUrl
          .optional()
          .describe(
            "Where CI and rollouts copy what they built (default: url for s3 and file caches; ssh-ng://root@HOST for harmonia).",
          ),
        signingKeyFile: s
          .secretPath()
          .optional()
          .describe(
            "On the machine running paved: the private key rollouts sign pushed paths with (nix copy … ?secret-key=). Not needed for harmonia, which signs as it serves.",
          ),
        signingKeySecret: ciSecretName
          .optional()
          .describe(
            "CI secret holding the private signing key; pipelines write it to a temporary file to sign what they push.",
          ),
        env: s
          .record(ciSecretName, {
            keyPattern: /^[A-Z_][A-Z0-9_]*$/,
            keyExpected: "an environment variable name like AWS_ACCESS_KEY_ID",
          })
          .default({})
          .describe(
            "Environment variables of the push step, each from the CI secret named here (e.g. AWS_ACCESS_KEY_ID: CACHE_AWS_KEY_ID).",
          ),
      })
      .default({})
      .describe("How the team pushes to the cache (credentials only ever come from CI secrets or files)."),
    extraSubstituters: s
      .array(extra, { unique: true })
      .default([])
      .describe("More caches to read from (never pushed to)."),
  })
  .refineWith((value, report) => {
    if (value.kind === "harmonia") {
      if (value.host === undefined)
        report(["host"], "the name of the host (role cache) that runs harmonia", "nothing (the key is missing)");
      if (value.signingKeyFile === undefined)
        report(
          ["signingKeyFile"],
          "the path of the signing key file on the cache host",
          "nothing (the key is missing)",
        );
    } else {
      if (value.url === undefined)
        report(["url"], `the cache's URL (kind ${value.kind})`, "nothing (the key is missing)");
      if (value.host !== undefined)
        report(["host"], "no host unless kind is harmonia", JSON.stringify(value.host), { at: "key" });
      if (value.signingKeyFile !== undefined)
        report(
          ["signingKeyFile"],
          "no signingKeyFile unless kind is harmonia (pushers sign: use push.signingKeyFile or push.signingKeySecret)",
          "a path",
          { at: "key" },
        );
    }
    if (value.kind === "s3" && value.url !== undefined && !value.url.startsWith("s3://"))
      report(["url"], "an s3:// URL for kind s3", JSON.stringify(value.url));
  })
  .describe(
    "The team's binary cache: CI and rollouts push to it, every host, runner and developer substitutes from it.",
  );

export type CacheConfig = Infer<typeof cacheSchema>;

export interface Substituter {
  url: string;
  publicKey: string;
}

/** How clients reach a host: its address, else its name. */
type HostsLike = Record<string, { address?: string }>;

function hostUrlPart(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

/** The team cache's substituter URL (harmonia: http://ADDRESS:PORT of the cache host). */
export function cacheUrl(cache: CacheConfig, hosts: HostsLike): string {
  if (cache.url !== undefined) return cache.url;
  const host = cache.host!;
  return `http://${hostUrlPart(hosts[host]?.address ?? host)}:${cache.port}`;
}

/** Every substituter clients use, the team cache first. */
export function cacheSubstituters(cache: CacheConfig | undefined, hosts: HostsLike): Substituter[] {
  if (!cache) return [];
  return [{ url: cacheUrl(cache, hosts), publicKey: cache.publicKey }, ...cache.extraSubstituters];
}

/** Where pushes go; undefined for a read-only cache (a hosted cache without push.to). */
export function cachePushTarget(
  cache: CacheConfig,
  hosts: HostsLike & Record<string, { sshUser?: string }>,
): string | undefined {
  if (cache.push.to !== undefined) return cache.push.to;
  if (cache.kind === "harmonia") {
    const host = hosts[cache.host!];
    return `ssh-ng://${host?.sshUser ?? "root"}@${host?.address ?? cache.host}`;
  }
  if (cache.url !== undefined && /^(s3|file):\/\//.test(cache.url)) return cache.url;
  return undefined;
}
