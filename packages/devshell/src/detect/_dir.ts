import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeFound, isToolchainVersion, toolchainVersionExpected, type Toolchain } from "@paved/core";
import { readText } from "./_read.ts";
import type { Pin, PinStrength } from "./_types.ts";

/** What a language detector sees: one directory, the names of its files, and a cached reader. */
export class DirContext {
  private readonly cache = new Map<string, string>();
  readonly pins: Pin[] = [];
  readonly notes: string[] = [];
  /** Workspace member patterns (relative to this directory; may contain * and **). */
  readonly memberPatterns: string[] = [];
  rust?: { components: string[]; targets: string[] };

  constructor(
    readonly root: string,
    /** Relative to the root; "" for the root. */
    readonly dir: string,
    readonly files: ReadonlySet<string>,
  ) {}

  has(name: string): boolean {
    return this.files.has(name);
  }

  /**
   * Is `name` in this directory or one above it, up to the repository root? Build wrappers (gradlew, mvnw)
   * live at the root of a multi-module build, never in its modules.
   */
  hasHereOrAbove(name: string): boolean {
    if (this.has(name)) return true;
    const parts = this.dir === "" ? [] : this.dir.split("/");
    for (let n = parts.length - 1; n >= 0; n--) {
      if (existsSync(join(this.root, ...parts.slice(0, n), name))) return true;
    }
    return false;
  }

  /** Path relative to the repository root, as shown to people. */
  rel(name: string): string {
    return this.dir === "" ? name : `${this.dir}/${name}`;
  }

  read(name: string): string {
    let text = this.cache.get(name);
    if (text === undefined) {
      text = readText(this.root, this.rel(name));
      this.cache.set(name, text);
    }
    return text;
  }

  abs(name: string): string {
    return join(this.root, this.rel(name));
  }

  pin(toolchain: Toolchain, version: string, name: string, strength: PinStrength, reason: string, line?: number): void {
    // A repository's files are input like any other: a pin that is not a version (`banana`, `22; rm -rf /`)
    // is not carried into paved.yaml; the toolchain still counts as present, and the note says where to look.
    if (version.trim() !== "" && !isToolchainVersion(toolchain, version)) {
      const where = line === undefined ? this.rel(name) : `${this.rel(name)}:${line}`;
      this.note(
        `${where}: ignored ${describeFound(version.trim())} as a ${toolchain} version (expected ${toolchainVersionExpected(toolchain).replace(/^an? /, "")})`,
      );
      this.pins.push({
        toolchain,
        version: "",
        file: this.rel(name),
        strength: "presence",
        reason: `${this.rel(name)} names ${toolchain}, but not a version paved can read`,
        ...(line === undefined ? {} : { line }),
      });
      return;
    }
    this.pins.push({
      toolchain,
      version: version.trim(),
      file: this.rel(name),
      strength,
      reason,
      ...(line === undefined ? {} : { line }),
    });
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

export type Detector = (ctx: DirContext) => void;
