export { MODULES_DIR, buildNixos, evalNixos, evalNixosExpression, nixStringLiteral, type EvalNixosOptions } from "./_eval.ts";
export { renderSshdConfig, renderSshdSettings, type OpensshOptions, type SshdSettingValue } from "./_sshd_config.ts";
