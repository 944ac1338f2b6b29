// The secret scanner: credential formats, URL credentials, high-entropy values; guards that refuse them. Re-exports only.
export { SECRET_FORMATS, type SecretFormat } from "./_formats.ts";
export {
  findSecret,
  isHighEntropy,
  looksLikeSecret,
  maskSecret,
  scanSecrets,
  type ScanOptions,
  type SecretFinding,
} from "./_scan.ts";
export { assertNoSecret, assertNoSecretInText, lineCol, secretError } from "./_guard.ts";
export { escapeInvisible, unsafeCharacter, type UnsafeCharacter } from "./_chars.ts";
