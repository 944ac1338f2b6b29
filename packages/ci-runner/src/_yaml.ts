import { Document, isScalar, visit } from "yaml";

/** Trailing comments keyed by the exact scalar they follow (e.g. a pinned `uses:` SHA → its release). */
export type YamlComments = Map<string, string>;

export interface ToYamlOptions {
  /** Comment lines at the top of the document (after paved's managed-file header). */
  header?: string;
  inlineComments?: YamlComments;
}

/** Renders an object tree as YAML through the `yaml` package's document model: quoting is the library's job. */
export function toYaml(tree: unknown, options: ToYamlOptions = {}): string {
  const doc = new Document(tree);
  if (options.header)
    doc.commentBefore = options.header
      .split("\n")
      .map((line) => (line ? ` ${line}` : ""))
      .join("\n");
  // Short lists of single words read best inline: `branches: [main]`, `runs-on: [self-hosted, nixos]`.
  visit(doc, {
    Seq(_key, node) {
      const words = node.items.map((item) =>
        isScalar(item) && typeof item.value === "string" ? item.value : undefined,
      );
      if (
        words.length > 0 &&
        words.every((w) => w !== undefined && /^[^\s:#,[\]{}]+$/.test(w)) &&
        words.join(", ").length <= 60
      )
        node.flow = true;
    },
  });
  const comments = options.inlineComments;
  if (comments?.size) {
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value === "string" && comments.has(node.value)) node.comment = ` ${comments.get(node.value)}`;
      },
    });
  }
  // nullStr "": `pull_request:` instead of `pull_request: null`; lineWidth 0: never fold long commands.
  return doc.toString({ lineWidth: 0, nullStr: "", flowCollectionPadding: false });
}
