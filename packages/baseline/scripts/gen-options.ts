// Writes docs/reference/options.md from the modules' option declarations, evaluated with the fixture nixpkgs.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureNixpkgs, nixTestEnv } from "../../../fixtures/index.ts";
import { collectOptionDocs, renderOptionsReference } from "../src/_options_doc.ts";

export const OPTIONS_DOC = fileURLToPath(new URL("../../../docs/reference/options.md", import.meta.url));

const docs = await collectOptionDocs({ nixpkgs: await fixtureNixpkgs(), env: nixTestEnv() as Record<string, string> });
mkdirSync(dirname(OPTIONS_DOC), { recursive: true });
writeFileSync(OPTIONS_DOC, renderOptionsReference(docs));
console.log(`wrote ${OPTIONS_DOC} (${docs.length} options)`);
