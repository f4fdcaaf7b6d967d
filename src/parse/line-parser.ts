// Lines of reader output → ParseOutcomes, per-line dialect detection (`auto`) or a forced dialect.
// Stateful only to re-join hard-wrapped kernel-log records; push() may hold one record until the next line or flush().
// Pure; no I/O; never throws.
import type { Dialect } from '../model/common.js';
import type { FormatChoice, ParseOutcome } from '../model/parse.js';
import { isLogContinuation } from './continuation.js';
import { parseHashLine, parseXtablesError } from './diagnostics.js';
import { NOT_TRACE_RECORD, parseKernlogAt, parseKernlogLine } from './kernlog.js';
import { isTraceIdLine } from './nft-head.js';
import { NO_VERDICT, parseNftLine } from './nft.js';
import { ignored, unparsed } from './outcome.js';
import { markerAt, parseXtablesRecords } from './xtables.js';

/** Longer lines are refused after a look at their start (a 20 MB line must not be scanned). */
export const MAX_LINE = 64 * 1024;

export interface LineParser {
  /** Outcomes for this line, and for a held kernel-log record that it completes or ends (0..n, not 1:1 with lines). */
  push(line: string): ParseOutcome[];
  /** Outcomes still held (call at end of input, or when the input goes idle). */
  flush(): ParseOutcome[];
}

export function createLineParser(format: FormatChoice): LineParser {
  return new Parser(format);
}

class Parser implements LineParser {
  /** A kernel-log record that may continue on the next lines (it did not end with the kernel's trailing space). */
  private pending: string | null = null;
  /**
   * An nft rule line without its `(verdict ...)`: nft 1.0.6 ends an iptables-nft rule whose xt target it cannot
   * print with `XT target DNAT not found` and a newline, so the verdict comes on the next line.
   */
  private pendingNft: string | null = null;
  /** Last netlink dialect seen, for lines both readers print (`Error: ...`, `# ...`). */
  private lastNetlink: 'nft' | 'xtables' = 'xtables';
  /** Where detect() found `TRACE: ` in the current line (not `{`, `#`), else -1. */
  private traceAt = -1;

  constructor(private readonly format: FormatChoice) {}

  push(raw: string): ParseOutcome[] {
    if (raw.length > MAX_LINE) return [...this.flush(), unparsed('line too long', raw)];
    const n = raw.length;
    // A carriage return ends lines saved on Windows or by `script`; `cat -v` shows it as `^M`.
    const line =
      raw.charCodeAt(n - 1) === 13
        ? raw.slice(0, -1)
        : raw.charCodeAt(n - 1) === 77 && raw.charCodeAt(n - 2) === 94
          ? raw.slice(0, -2)
          : raw;
    if (this.pendingNft !== null) return this.afterNft(line);
    return this.pending === null ? this.route(line) : this.afterPending(line);
  }

  /** A rule line is held (see pendingNft): this line is its verdict, or the held line comes out as it is. */
  private afterNft(line: string): ParseOutcome[] {
    const held = this.pendingNft!;
    this.pendingNft = null;
    if (VERDICT_ONLY.test(line)) return [this.nft(held + line)];
    const out = [this.nft(held)];
    for (const o of this.pending === null ? this.route(line) : this.afterPending(line)) out.push(o);
    return out;
  }

  /** A record is held: this line continues it, or the held record comes out before this line's outcomes. */
  private afterPending(line: string): ParseOutcome[] {
    if (isLogContinuation(line) && (this.pending ?? '').length + line.length < MAX_LINE) {
      this.pending += ' ' + line;
      return line.endsWith(' ') ? this.flush() : [];
    }
    const out = this.flush();
    for (const o of this.route(line)) out.push(o);
    return out;
  }

  /** This line's outcomes (none when it is held). */
  private route(line: string): ParseOutcome[] {
    switch (this.format === 'auto' ? this.detect(line) : this.format) {
      case 'nft': {
        const o = this.nft(line);
        if (o.kind !== 'unparsed' || o.reason !== NO_VERDICT) return [o];
        this.pendingNft = line;
        return [];
      }
      case 'xtables':
        return this.xtables(line);
      case 'kernlog': {
        // Kernel records end with a space; one that does not may have been hard-wrapped: hold it.
        const c = line.charCodeAt(0);
        if (line.charCodeAt(line.length - 1) !== 32 && c !== 123 && c !== 35 && line.includes('TRACE: ')) {
          this.pending = line;
          return [];
        }
        const next = this.traceAt < 0 ? -1 : line.indexOf('TRACE: ', this.traceAt + 7);
        if (next > 0) return this.glued(line, this.traceAt, next);
        const o = this.kernlog(line, this.traceAt);
        return [o.kind === 'events' ? o : this.orBehindPrefix(o, line)];
      }
      case null:
        return [this.orBehindPrefix(this.unknown(line), line)];
    }
  }

  /**
   * An nft or xtables-monitor record behind a prefix (`ts`, a syslog-style stamp, a pasted prompt) that the line's
   * start did not reveal; o when there is none. Only lines no parser took are looked at again.
   */
  private orBehindPrefix(o: ParseOutcome, line: string): ParseOutcome {
    // A stamp the kernel-log reader knows (`[...]`, an ISO date) makes a line without `TRACE: ` a kernel message.
    if (o.kind !== 'unparsed' && !(o.kind === 'ignored' && o.reason === NOT_TRACE_RECORD)) return o;
    let at = line.indexOf('trace id ');
    if (at > 0) {
      const nft = this.nft(line.slice(at));
      return nft.kind === 'events' ? nft : o;
    }
    at = line.indexOf('PACKET: ');
    if (at < 0) {
      at = line.indexOf(' TRACE: ');
      if (at >= 0 && !isDigit(line.charCodeAt(at + 8))) at = -1;
    }
    if (at <= 0) return o;
    const xt = this.xtables(line.slice(at));
    return xt.length === 1 && xt[0]!.kind === 'events' ? xt[0]! : o;
  }

  /**
   * Records glued on one line (a log copied without its newlines): each parsed on its own, split before the next
   * record's envelope (`[47999.073839] `, `[Sun Nov 22 15:19:35 2026] `, `Nov 22 15:19:35 host kernel: `).
   */
  private glued(line: string, first: number, next: number): ParseOutcome[] {
    const out: ParseOutcome[] = [];
    let start = 0;
    let t = first;
    while (next > 0) {
      const cut = envelopeStart(line, t + 7, next);
      out.push(this.kernlog(line.slice(start, cut), t - start));
      start = cut;
      t = next;
      next = line.indexOf('TRACE: ', next + 7);
    }
    out.push(this.kernlog(line.slice(start), t - start));
    return out;
  }

  flush(): ParseOutcome[] {
    if (this.pendingNft !== null) {
      const held = this.pendingNft;
      this.pendingNft = null;
      return [this.nft(held)];
    }
    if (this.pending === null) return [];
    const line = this.pending;
    this.pending = null;
    return [this.orBehindPrefix(this.kernlog(line), line)];
  }

  private nft(line: string): ParseOutcome {
    const o = parseNftLine(line);
    if (o.kind === 'events') this.lastNetlink = 'nft';
    return o;
  }

  private xtables(line: string): ParseOutcome[] {
    const outs = parseXtablesRecords(line);
    for (const o of outs) if (o.kind === 'events') this.lastNetlink = 'xtables';
    return outs;
  }

  /** t: where detect() found `TRACE: ` in this very line (most kernel-log lines), else -1. */
  private kernlog(line: string, t = -1): ParseOutcome {
    if (t >= 0) return parseKernlogAt(line, t);
    const o = parseKernlogLine(line);
    if (o.kind !== 'unparsed' || this.format !== 'auto' || line.includes('TRACE: ')) return o;
    return unparsed('not a trace line of any known format', line);
  }

  /** Lines no dialect claims in `auto`: comments, shared error lines, the rest. */
  private unknown(line: string): ParseOutcome {
    if (line.charCodeAt(0) === 35) return parseHashLine(line, this.lastNetlink);
    if (line.trim() === '') return ignored('blank line');
    if (this.lastNetlink === 'nft' && line.startsWith('Error: ')) return this.nft(line);
    return parseXtablesError(line) ?? this.kernlog(line);
  }

  /** Cheap prefix checks; null when the line belongs to no single dialect. */
  private detect(line: string): Dialect | null {
    this.traceAt = -1;
    switch (line.charCodeAt(0)) {
      case 116: // t
        return isTraceIdLine(line) ? 'nft' : 'kernlog';
      case 80: // P
        return markerAt(line, 0) ? 'xtables' : line.startsWith('Perhaps xtables-monitor') ? null : 'kernlog';
      case 32: // ' '
        return markerAt(line, 0) || line.startsWith(' EVENT:') ? 'xtables' : 'kernlog';
      case 78: // N
        return line.startsWith('NEWGEN: ') ? 'xtables' : 'kernlog';
      case 123: // {
        return line.includes('"oob.prefix"') || line.includes('"MESSAGE"') ? 'kernlog' : 'nft';
      case 35: // #
        return null;
      case 84: // T
        return line.startsWith('TRACE: ') && isDigit(line.charCodeAt(7)) ? 'xtables' : 'kernlog';
      case 97: // a (nft ruleset events: add/insert/delete/...)
      case 105:
      case 100:
      case 114:
        return isNftRulesetEvent(line) ? 'nft' : 'kernlog';
      case 99: // c, f, u: `create ...`, `flush ...`, `update ...`; else as any other line (xtables-monitor's
      case 102: // `unsupported layer 4 protocol value` when it dies)
      case 117:
        if (isNftRulesetEvent(line)) return 'nft';
        this.traceAt = line.indexOf('TRACE: ');
        return this.traceAt >= 0 ? 'kernlog' : null;
      default:
        this.traceAt = line.indexOf('TRACE: ');
        return this.traceAt >= 0 ? 'kernlog' : null;
    }
  }
}

/** The rest of a rule line nft broke before its verdict (see pendingNft). */
const VERDICT_ONLY = /^\s*\(verdict [^()]*\)\s*$/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNftRulesetEvent(line: string): boolean {
  return (
    /^(add|create|insert|delete|replace|destroy|rename|reset|flush|update) [a-z]/.test(line) &&
    !line.includes('TRACE: ')
  );
}

/**
 * Where the envelope of the record whose `TRACE: ` is at `trace` begins, looking back no further than `from`: the
 * words before it that are no field of the record before (fields hold `=`, options `(...)`, flags are upper case).
 */
function envelopeStart(line: string, from: number, trace: number): number {
  let at = trace;
  for (;;) {
    const end = at - 1; // the space before the word
    if (end <= from || line.charCodeAt(end) !== 32) return at;
    const begin = line.lastIndexOf(' ', end - 1) + 1;
    const word = line.slice(begin, end);
    if (begin <= from || word === '' || word.includes('=') || word.startsWith('(') || /^[A-Z]+$/.test(word)) return at;
    at = begin;
  }
}
