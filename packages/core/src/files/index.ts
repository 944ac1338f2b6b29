export { bodyHash, commentStyleFor, parseHeader, stripHeader, withHeader } from "./_header.ts";
export type { CommentStyle, ParsedHeader } from "./_header.ts";
export { formatPlanDiff, planFiles, unifiedDiff, writeFiles } from "./_write.ts";
export type { FileChange, FileStatus, GeneratedFile, WriteOptions, WriteResult } from "./_write.ts";
export { ejectFiles } from "./_eject.ts";
export type { EjectResult } from "./_eject.ts";
export { writeAtomic } from "./_atomic.ts";
