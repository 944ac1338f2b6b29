export {
  attrs, bind, call, filePath, float, fn, id, ifElse, inherit, inheritFrom, int, interp, isNixExpr, letIn, list, nix, op, path, raw, sel, str,
  toNix, withScope,
} from "./_ast.ts";
export type { AttrsOptions, BinaryOperator, FnHead, FnParams, NixBinding, NixBindings, NixExpr, NixValue, StringStyle } from "./_ast.ts";
export { flakeAttrPath, isNixIdentifier, NIX_KEYWORDS } from "./_escape.ts";
export { renderNix, type RenderNixOptions } from "./_layout.ts";
