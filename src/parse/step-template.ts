// Rule / policy / return events of nft and xtables-monitor differ between packets only in the trace id: the rest of
// the line recurs for every packet that takes the same path. A parsed event is kept as a template (TextMemo keyed by
// the text after the trace id) and stamped with the next line's trace id. Pure; no I/O.
import type { Family } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import { intern, TextMemo } from './text-memo.js';

/** The events worth a template: everything but the trace id comes from the text after it. */
export type StepEvent = Extract<TraceEvent, { kind: 'rule' | 'policy' | 'return' }>;

export function isStep(e: TraceEvent): e is StepEvent {
  return e.kind === 'rule' || e.kind === 'policy' || e.kind === 'return';
}

/** Templates keyed by the record's text after the trace id. */
export class StepTemplates {
  private readonly memo = new TextMemo<StepEvent>();

  /** The event the text after the trace id parsed into before, stamped with traceId; null when not cached. */
  get(rest: string, traceId: string, family?: Family): StepEvent | null {
    return this.getAt(rest, 0, rest.length, traceId, family);
  }

  /** get() of the text s[start, end), without slicing it. */
  getAt(s: string, start: number, end: number, traceId: string, family?: Family): StepEvent | null {
    const t = this.memo.getAt(s, start, end);
    return t === null || (family !== undefined && t.family !== family) ? null : stamp(t, traceId);
  }

  /** Keeps e as the template for rest (its strings copied and shared, see intern()). */
  put(rest: string, e: StepEvent): void {
    this.memo.put(rest, template(e));
  }
}

/** The template with the line's trace id; same keys in the same order as the parsers build them. */
function stamp(t: StepEvent, traceId: string): StepEvent {
  switch (t.kind) {
    case 'rule':
      return {
        kind: 'rule',
        source: t.source,
        traceId,
        family: t.family,
        table: t.table,
        chain: t.chain,
        handle: t.handle,
        text: t.text,
        verdict: t.verdict,
        target: t.target,
      };
    case 'policy':
      return {
        kind: 'policy',
        source: t.source,
        traceId,
        family: t.family,
        table: t.table,
        chain: t.chain,
        verdict: t.verdict,
      };
    case 'return':
      return {
        kind: 'return',
        source: t.source,
        traceId,
        family: t.family,
        table: t.table,
        chain: t.chain,
        verdict: t.verdict,
        target: t.target,
      };
  }
}

/** A long-lived copy: strings that may be slices of a reader chunk are copied (one copy per text, see intern()). */
function template(e: StepEvent): StepEvent {
  const o = (s: string | null): string | null => (s === null ? null : intern(s));
  switch (e.kind) {
    case 'rule':
      return {
        ...e,
        traceId: '',
        table: intern(e.table),
        chain: intern(e.chain),
        text: o(e.text),
        target: o(e.target),
      };
    case 'policy':
      return { ...e, traceId: '', table: intern(e.table), chain: intern(e.chain) };
    case 'return':
      return { ...e, traceId: '', table: intern(e.table), chain: intern(e.chain), target: o(e.target) };
  }
}
