// Public API of the trace-line parsers: one pure parser per dialect and the LineParser that picks between them.
// Pure; no I/O.
export { createLineParser, MAX_LINE } from './line-parser.js';
export type { LineParser } from './line-parser.js';
export { parseNftLine } from './nft.js';
export { parseNftPacket } from './nft-packet.js';
export { parseXtablesLine, parseXtablesRecords } from './xtables.js';
export { parseKernlogLine } from './kernlog.js';
export { parseLogFields } from './log-fields.js';
