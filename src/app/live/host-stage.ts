// The live run's last stage before the renderer: each finished trace gets the kernel drop that most likely
// belongs to it and the host checks' findings (src/host), in order, one trace after the other.
import type { HostDiagnosis, KernelDrop } from '../../model/host.js';
import type { Trace } from '../../model/trace.js';
import type { HostResult } from '../../host/diagnose.js';
import type { DropRing } from '../../host/drop-match.js';
import { stageOf } from '../../host/diagnose-path.js';

/** When the packet's first and last trace lines arrived (Date.now() ms). */
export interface SeenAt {
  readonly first: number;
  readonly last: number;
}

export type Diagnose = (trace: Trace, kernelDrop: KernelDrop | null) => Promise<HostResult>;

/**
 * A packet netfilter let through to the end of its path is rarely dropped after it, and the tracepoint
 * sees the whole host: for such a trace only a drop dated this close to it is taken as its own (the
 * measured lag is 0-5 ms; src/host/drop-match.ts).
 */
const COMPLETED_GAP_MS = 10;

/**
 * How long after a packet's last trace line its drop may still be on the way: the drop reader polls
 * trace_pipe every 50 ms (src/sys/tracefs.ts), and a drop or reject verdict finishes a trace at once.
 */
export const DROP_SETTLE_MS = 120;

export class HostStage {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly drops: DropRing | null,
    private readonly diagnose: Diagnose,
    private readonly out: (t: Trace) => void,
    /** Wait this long after the last line before picking the drop (0 in tests that push drops first). */
    private readonly settleMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Queues one finished trace; it reaches `out` after every trace queued before it. `raw` is the trace as
   * assembled, fwtrace's own trace chains included: in a namespace with no chains of its own they are the
   * only sign of how far the packet got.
   */
  push(shown: Trace, raw: Trace, seen: SeenAt | null): void {
    // Diagnosed with every step, worded from the trace as shown (never naming fwtrace's own chains).
    const full = { ...raw, explanation: shown.explanation };
    this.tail = this.tail.then(async () => {
      const wait = this.drops !== null && seen !== null ? seen.last + this.settleMs - this.now() : 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // Picked in queue order, so a drop goes to the earlier of two packets it fits equally.
      const drop = this.dropFor(raw, seen);
      this.out(withHost(shown, await this.diagnose(full, drop)));
    });
  }

  /** Resolves when every queued trace is out; rejects if `out` threw (a renderer bug). */
  drain(): Promise<void> {
    return this.tail;
  }

  /** The drop of the packet's moment (the ring keeps drops for seconds; traces are picked well within that). */
  private dropFor(trace: Trace, seen: SeenAt | null): KernelDrop | null {
    if (this.drops === null || seen === null) return null;
    const completed = trace.verdict.action === 'accept' && stageOf(trace) === 'other';
    // The kernel log shows iptables-legacy's chains only: an nft chain after them may still have dropped it.
    const last = trace.steps.at(-1)?.hook;
    const oif = trace.packet.oif;
    const out = oif !== undefined && oif !== '' && oif !== 'lo';
    // A forwarded packet's trace often ends at forward (replies and later packets meet no nat chain): it left too.
    const left = completed && out && (last === 'postrouting' || last === 'forward');
    const passed =
      completed &&
      trace.backend !== 'kernlog' &&
      (last === 'postrouting' || last === 'input' || (last === 'forward' && out));
    return this.drops.pick({
      ipVersion: trace.packet.ipVersion ?? null,
      first: seen.first,
      last: seen.last,
      verdict: trace.verdict.action,
      ...(completed ? { strictGapMs: COMPLETED_GAP_MS } : {}),
      ...(passed ? { passedNetfilter: true } : {}),
      ...(left ? { leftHost: true } : {}),
    });
  }
}

/** The trace as shown: `host` only when there is something to say, the explanation the checks chose. */
export function withHost(shown: Trace, r: HostResult): Trace {
  const host: HostDiagnosis | null =
    r.diagnosis.kernelDrop === null && r.diagnosis.findings.length === 0 ? null : r.diagnosis;
  if (host === null && r.explanation === shown.explanation) return shown;
  return { ...shown, host, explanation: r.explanation };
}
