// Reader lines → parser → assembler → this run's traces → renderer, O(1) per line; counts everything.
import type { FlowSpec } from '../../model/flow.js';
import type { Dialect } from '../../model/common.js';
import type { RuleIndex } from '../../model/ruleset.js';
import type { Trace } from '../../model/trace.js';
import type { Renderer } from '../../ui/renderer.js';
import { createLineParser, type LineParser } from '../../parse/line-parser.js';
import { Assembler } from '../../trace/assembler.js';
import { countOutcome, newRunStats } from '../run-stats.js';
import type { HostStage } from './host-stage.js';
import { claimTrace } from './ownership.js';

/** A packet's events arrive within microseconds; a second of silence means it is done. */
const IDLE_MS = 1000;
const MAX_OPEN = 2048;

export class LivePipeline {
  readonly stats = newRunStats();
  private parser: LineParser;
  private readonly assembler: Assembler;
  /** Called when a trace names a rule the snapshot does not know (kube-proxy rewrites rules all the time). */
  onUnknownRule: (() => void) | null = null;
  /**
   * Called once when a stage throws (a bug): the session then stops and disarms in order, instead of the
   * exception killing the process mid-trace (from a stream or timer callback). Later input is dropped.
   */
  onFailure: ((error: unknown) => void) | null = null;
  private failed = false;

  /** --count: the most traces to show. */
  limit: number | null = null;
  /** Kernel drop reasons and host checks, between the assembler and the renderer (null: straight through). */
  private host: HostStage | null = null;

  constructor(
    dialect: Dialect,
    index: RuleIndex | undefined,
    private readonly session: string,
    private readonly flow: FlowSpec,
    private readonly renderer: Renderer,
    private readonly onTrace: (t: Trace) => void,
    /**
     * Release traces in the order their packets arrived (--count: the first N packets, not the first N to
     * finish: a later packet's trace can end first, e.g. when the kernel reuses its id for the next packet).
     */
    ordered = false,
  ) {
    this.parser = createLineParser(dialect);
    this.assembler = new Assembler({
      index,
      idle: IDLE_MS,
      maxOpen: MAX_OPEN,
      ordered,
      timed: true,
      wallClock: (now) => new Date(now).toISOString(),
    });
  }

  /** Sends every later trace through `stage` (built with this.show as its output). */
  useHostStage(stage: HostStage): void {
    this.host = stage;
  }

  /** Resolves when every trace handed on is rendered (the host stage is asynchronous). */
  async drain(): Promise<void> {
    try {
      await this.host?.drain();
    } catch (e) {
      this.fail(e);
    }
  }

  /** A fresh snapshot: traces still open keep the old one; new ones use this. */
  setIndex(index: RuleIndex | undefined): void {
    this.assembler.setIndex(index);
  }

  /** The reader changed (xtables-monitor died, nft monitor took over): a parser for the new dialect. */
  setDialect(dialect: Dialect): void {
    this.parser = createLineParser(dialect);
  }

  line(text: string, now: number): void {
    this.stats.lines++;
    this.safely(() => {
      for (const o of this.parser.push(text)) {
        if (o.kind !== 'events') countOutcome(this.stats, o);
        else for (const e of o.events) for (const t of this.assembler.push(e, now)) this.emit(t);
      }
    });
  }

  tick(now: number): void {
    this.safely(() => this.advance(now));
  }

  flush(): void {
    this.safely(() => {
      this.advance(Number.MAX_SAFE_INTEGER);
      for (const t of this.assembler.flush()) this.emit(t);
    });
  }

  private advance(now: number): void {
    for (const o of this.parser.flush()) {
      if (o.kind !== 'events') countOutcome(this.stats, o);
      else for (const e of o.events) for (const t of this.assembler.push(e, now)) this.emit(t);
    }
    for (const t of this.assembler.tick(now)) this.emit(t);
    this.stats.lost = this.assembler.stats.lost;
  }

  private safely(step: () => void): void {
    if (this.failed) return;
    try {
      step();
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.onFailure?.(e);
  }

  private emit(raw: Trace): void {
    // --count N means N traces: the ones that finish while disarming are not shown.
    if (this.limit !== null && this.stats.traces >= this.limit) return;
    const t = claimTrace(raw, this.session, this.flow);
    if (!t) return;
    if (t.steps.some((s) => s.kind === 'rule' && s.rule?.handle != null && s.rule.text === null))
      this.onUnknownRule?.();
    this.stats.traces++;
    if (this.host) this.host.push(t, raw, this.assembler.seenAt(raw));
    else this.show(t);
  }

  /** The renderer's turn (after the host stage, when there is one). */
  show(t: Trace): void {
    this.safely(() => {
      this.renderer.handle({ kind: 'trace', trace: t });
      this.onTrace(t);
    });
  }
}
