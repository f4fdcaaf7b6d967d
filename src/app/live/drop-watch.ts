// The kernel's own drop reasons for a live run: `skb:kfree_skb` in a tracefs instance of the run's own.
//
// Use (src/app/live/session.ts):
//   const ring = new DropRing();                                    // src/host/drop-match.ts
//   const watch = await startDropWatch({ session, onDrop: (d, at) => ring.push(d, at) }, warn);
//   ... before arming the trace rules, so the first packets' drops are seen ...
//   for a finished trace: ring.pick({ ipVersion, first, last, verdict })   (first/last: Date.now() ms
//   of the packet's first and last trace lines)
//   on every exit path: await watch?.stop()  (undoSession removes the instance too: it follows from the
//   session id, so the watchdog removes it after a SIGKILL; stop() and undo are both idempotent)
//
// null (after one warning saying why) when the kernel cannot tell: no tracefs, no kfree_skb event, a
// kernel before 5.17 (no reason field), not root. The run goes on without drop reasons.
import type { KernelDrop } from '../../model/host.js';
import { buildDropFilter, parseKfreeSkbFormat, parseKfreeSkbLine, parseLostEvents } from '../../host/kfree-skb.js';
import {
  createDropInstance,
  openTracefs,
  readDropEventFormat,
  removeInstance,
  TracePipeReader,
} from '../../sys/tracefs.js';

/** Per-CPU ring buffer of the instance: drops are rare and read every 50 ms; a burst past it is counted as lost. */
const BUFFER_KB = 64;

export interface DropWatchOptions {
  readonly session: string;
  /**
   * Each drop, with `at`: the moment the kernel freed the packet on the caller's wall clock (ms, like
   * Date.now()), from the event's own CLOCK_MONOTONIC stamp; when the kernel has no `mono` trace clock,
   * the moment the line was read.
   */
  readonly onDrop: (drop: KernelDrop, at: number) => void;
  /** Reasons the kernel should not even report (names: NOT_SPECIFIED, ...); names it does not know are ignored. */
  readonly exclude?: readonly string[];
  /** Clocks, for tests: wall ms, and CLOCK_MONOTONIC seconds (process.hrtime is CLOCK_MONOTONIC). */
  readonly wallMs?: () => number;
  readonly monoSec?: () => number;
}

export interface DropWatch {
  /** The instance directory (for messages). */
  readonly instance: string;
  /** Events the kernel could not keep (its buffer overflowed) so far. */
  readonly lost: number;
  /** Why reading stopped by itself, else null. */
  readonly failure: string | null;
  /** Stops reading and removes the instance; never throws; idempotent. */
  stop(): Promise<void>;
}

const monoNow = (): number => Number(process.hrtime.bigint()) / 1e9;
/** A stamp further than this from now is not trusted (another clock): the read time is used. */
const MAX_AGE_MS = 60_000;

export async function startDropWatch(
  opts: DropWatchOptions,
  warn: (message: string) => void,
): Promise<DropWatch | null> {
  const unavailable = (why: string): null => {
    warn(`kernel drop reasons unavailable: ${why}; tracing goes on without them`);
    return null;
  };
  const fs = await openTracefs();
  if (!fs.ok) return unavailable(fs.reason);
  if (fs.value.mounted) warn(`mounted tracefs on ${fs.value.root} to read the kernel's drop reasons (left mounted)`);
  const text = await readDropEventFormat(fs.value.root);
  if (!text.ok) return unavailable(text.reason);
  const format = parseKfreeSkbFormat(text.value);
  if (!format.hasReason) return unavailable('this kernel (before 5.17) gives no reason in skb:kfree_skb');
  const { filter } = buildDropFilter(format, opts.exclude);
  const made = await createDropInstance(fs.value.root, opts.session, {
    filter: format.hasProtocol ? filter : null,
    bufferKb: BUFFER_KB,
  });
  if (!made.ok) return unavailable(made.reason);
  const { path, clock } = made.value;
  const wall = opts.wallMs ?? Date.now;
  const mono = opts.monoSec ?? monoNow;
  let lost = 0;
  const reader = await TracePipeReader.open(path, (line) => {
    const drop = parseKfreeSkbLine(line);
    if (drop) {
      const now = wall();
      const age = (mono() - drop.stamp) * 1000;
      opts.onDrop(drop, clock === 'mono' && age >= 0 && age < MAX_AGE_MS ? now - age : now);
      return;
    }
    lost += parseLostEvents(line) ?? 0;
  });
  if (!reader.ok) {
    await removeInstance(path);
    return unavailable(reader.reason);
  }
  let stopping: Promise<void> | null = null;
  return {
    instance: path,
    get lost() {
      return lost;
    },
    get failure() {
      return reader.value.failure;
    },
    stop: () =>
      (stopping ??= (async () => {
        await reader.value.stop();
        await removeInstance(path);
      })()),
  };
}
