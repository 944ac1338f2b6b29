/**
 * The one shell quoter. POSIX single quotes, not zx's `$'…'`: the words end up in `sh -c` on remote hosts,
 * GitLab `script:` lines and `.envrc` files, and only `'…'` means the same in every POSIX shell.
 */

// Characters no POSIX shell treats specially anywhere in a word (`=` and `@` only matter in bash's first word
// or in `${…}`, neither of which a quoted argument can start; `~` and `#` are left out as they do at a word's start).
const SAFE_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** True when the word means itself to a POSIX shell, so it needs no quotes. */
export function isPlainShellWord(word: string): boolean {
  return SAFE_WORD.test(word);
}

/** One word for a POSIX shell: left alone when nothing in it is special, else single-quoted. */
export function shellQuote(word: string): string {
  if (isPlainShellWord(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A command line for a POSIX shell from an argv array. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
