/**
 * The one shell quoter (core's shellQuote), proven by real shells: every word, however hostile, must reach
 * the program as exactly that word through `sh -c`, dash and bash.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { isPlainShellWord, shellCommand, shellQuote } from "@paved/core";

const HOSTILE = [
  "",
  " ",
  "'",
  "''",
  "'\\''",
  '"',
  "$HOME",
  "${HOME}",
  "$(id)",
  "`id`",
  "a;b",
  "a&&b",
  "a|b",
  "a\nb",
  "\n",
  "\t",
  "*",
  "?",
  "[a]",
  "~",
  "~root",
  "#comment",
  "a#b",
  "!",
  "!!",
  "\\",
  "\\\\n",
  "-n",
  "--",
  "a=b",
  "=",
  "%",
  "{a,b}",
  "${x:-$(touch /tmp/pwned)}",
  "é ü 中文 🙂",
  "\u00a0",
  "\u200b",
  "line1\r\nline2",
  "\x1b[31mred",
  "'; rm -rf / #",
];

/** What the shell actually passed to printf, word by word. */
function throughShell(shell: string, words: readonly string[]): string[] {
  const out = execFileSync(shell, ["-c", `printf '%s\\0' ${shellCommand(words)}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("shellQuote", () => {
  for (const shell of ["sh", "dash", "bash"]) {
    it(`keeps hostile words intact through real ${shell}`, () => {
      requireTool(shell);
      expect(throughShell(shell, HOSTILE)).toEqual(HOSTILE);
    });
  }

  it("keeps any words intact through a real POSIX sh", () => {
    requireTool("sh");
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "binary" }).map((w) => w.replace(/\0/g, "")),
          { minLength: 1, maxLength: 5 },
        ),
        (words) => {
          expect(throughShell("sh", words)).toEqual(words);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("leaves plain words bare and single-quotes the rest", () => {
    expect(shellQuote("/nix/var/nix/profiles/system")).toBe("/nix/var/nix/profiles/system");
    expect(shellQuote("user@host:22")).toBe("user@host:22");
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("~")).toBe("'~'");
    expect(shellQuote("#x")).toBe("'#x'");
    expect(isPlainShellWord("a b")).toBe(false);
    expect(isPlainShellWord("")).toBe(false);
  });
});
