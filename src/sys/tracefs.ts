// tracefs for the kernel's drop reasons: find (or mount) it, create the run's own instance
// `instances/fwtrace-<session>` with only `skb:kfree_skb` enabled and filtered, read its trace_pipe,
// and remove it. The top-level instance (what other tools use) is never written to.
// Failures are values: a run without drop reasons goes on.
//
// tracefs, once we mounted it, stays mounted: systemd mounts it at boot on most distributions anyway, a
// mount with nothing enabled traces nothing, and unmounting could pull it from under another fwtrace run
// or another tool (perf, bpftrace, trace-cmd) that started using it meanwhile.
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, readdir, rmdir, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { runCommand } from './exec.js';
import { isRoot } from './host.js';
import { LineSplitter } from './line-splitter.js';

export type TracefsResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Where tracefs lives: its own mount point, and the old place under debugfs. */
export const TRACEFS_ROOTS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'] as const;
const INSTANCE_PREFIX = 'fwtrace-';
const EVENT = 'events/skb/kfree_skb';

export interface Tracefs {
  readonly root: string;
  /** True when this call mounted it (it stays mounted: see the top of this file). */
  readonly mounted: boolean;
}

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException | undefined)?.code ?? String(e);

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

async function isTracefs(root: string): Promise<boolean> {
  return access(`${root}/instances`, constants.F_OK).then(
    () => true,
    () => false,
  );
}

/** The tracefs mount, mounting it on /sys/kernel/tracing when none is there. */
export async function openTracefs(): Promise<TracefsResult<Tracefs>> {
  const found = await mountedRoot();
  if (found !== null) return { ok: true, value: { root: found, mounted: false } };
  if (!isRoot()) return { ok: false, reason: 'tracefs is not mounted and mounting it needs root' };
  const root = TRACEFS_ROOTS[0];
  const r = await runCommand({ argv: ['mount', '-t', 'tracefs', 'nodev', root] }, 10_000);
  if (await isTracefs(root)) return { ok: true, value: { root, mounted: true } };
  return { ok: false, reason: `tracefs is not mounted and \`mount -t tracefs nodev ${root}\` failed (${r.summary})` };
}

/** The kfree_skb event's format file, or why it cannot be read. */
export async function readDropEventFormat(root: string): Promise<TracefsResult<string>> {
  try {
    return { ok: true, value: await readFile(`${root}/${EVENT}/format`, 'utf8') };
  } catch (e) {
    const code = errCode(e);
    return {
      ok: false,
      reason:
        code === 'ENOENT'
          ? 'this kernel has no skb:kfree_skb tracepoint'
          : `cannot read ${root}/${EVENT}/format (${code})`,
    };
  }
}

/** Whether the top-level instance has kfree_skb enabled (someone else's business; tests check we never set it). */
export async function topLevelDropEventEnabled(root: string): Promise<boolean | null> {
  return readFile(`${root}/${EVENT}/enable`, 'utf8').then(
    (v) => v.trim() !== '0',
    () => null,
  );
}

/** A session id as it may appear in a path (state files are input: no `/`, no `..`). */
const SESSION = /^[A-Za-z0-9_]{1,64}$/;

export function instanceName(session: string): string {
  return `${INSTANCE_PREFIX}${session}`;
}

/** The session of an instance directory name, or null when it is not fwtrace's. */
export function sessionOfInstance(name: string): string | null {
  const s = name.startsWith(INSTANCE_PREFIX) ? name.slice(INSTANCE_PREFIX.length) : null;
  return s !== null && SESSION.test(s) ? s : null;
}

/** The tracefs root in use: the first of TRACEFS_ROOTS that is mounted (every mount shows the same tree). */
/** Where tracefs is mounted now, or null; never mounts it (`fwtrace doctor`). */
export async function mountedRoot(): Promise<string | null> {
  for (const root of TRACEFS_ROOTS) if (await isTracefs(root)) return root;
  return null;
}

/** The session's instance directory if it exists now, else null (the run had none, or it is gone). */
export async function sessionInstancePath(session: string): Promise<string | null> {
  if (!SESSION.test(session)) return null;
  const root = await mountedRoot();
  const path = root === null ? null : `${root}/instances/${instanceName(session)}`;
  return path !== null && (await exists(path)) ? path : null;
}

export interface InstanceSettings {
  /** The event filter (src/host/kfree-skb.ts buildDropFilter); null: none. */
  readonly filter: string | null;
  /** Per-CPU ring buffer size. */
  readonly bufferKb: number;
}

export interface DropInstance {
  readonly path: string;
  /** The instance's trace clock: `mono` (CLOCK_MONOTONIC, like process.hrtime) when the kernel has it. */
  readonly clock: string;
  /** False when the kernel refused the filter and the event runs unfiltered. */
  readonly filtered: boolean;
}

/**
 * Creates `instances/fwtrace-<session>` and enables kfree_skb in it. On failure nothing is left: the
 * instance is removed again.
 */
export async function createDropInstance(
  root: string,
  session: string,
  settings: InstanceSettings,
): Promise<TracefsResult<DropInstance>> {
  const path = `${root}/instances/${instanceName(session)}`;
  try {
    await mkdir(path);
  } catch (e) {
    return { ok: false, reason: `cannot create the tracefs instance ${path} (${errCode(e)})` };
  }
  try {
    // trace_clock and buffer_size_kb reset the buffer: set them before the event is enabled.
    const clocks = await readFile(`${path}/trace_clock`, 'utf8');
    const clock = /(?:^|\s)\[?mono\]?(?:\s|$)/.test(clocks) ? 'mono' : (/\[(\w+)\]/.exec(clocks)?.[1] ?? 'local');
    if (clock === 'mono') await writeFile(`${path}/trace_clock`, 'mono');
    await writeFile(`${path}/buffer_size_kb`, String(settings.bufferKb));
    let filtered = false;
    if (settings.filter !== null)
      filtered = await writeFile(`${path}/${EVENT}/filter`, settings.filter).then(
        () => true,
        () => false,
      );
    await writeFile(`${path}/${EVENT}/enable`, '1');
    return { ok: true, value: { path, clock, filtered } };
  } catch (e) {
    await removeInstance(path);
    return { ok: false, reason: `cannot set up the tracefs instance ${path} (${errCode(e)})` };
  }
}

/** Readers open on an instance's trace_pipe in this process: removing the instance closes them first. */
const openReaders = new Map<string, Set<TracePipeReader>>();

/** How often an empty trace_pipe is read again. */
const POLL_MS = 50;
const CHUNK = 64 * 1024;

/**
 * Lines of an instance's trace_pipe. Opened O_NONBLOCK and polled: a blocking read of trace_pipe sits in
 * libuv's thread pool until an event comes, and neither closing the stream nor exiting the process gets past
 * it (measured: the process hangs). An empty pipe answers EAGAIN at once, so stop() is immediate.
 */
export class TracePipeReader {
  private fh: FileHandle | null = null;
  private stopped = false;
  /** Why reading ended by itself (the instance went away, a read error), else null. */
  failure: string | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly splitter: LineSplitter;
  private readonly buf = Buffer.alloc(CHUNK);

  private constructor(
    readonly instance: string,
    onLine: (line: string) => void,
  ) {
    this.splitter = new LineSplitter((line) => onLine(line), 64 * 1024);
  }

  /** Opens `<instance>/trace_pipe`; `onLine` gets each line as it is read. */
  static async open(instance: string, onLine: (line: string) => void): Promise<TracefsResult<TracePipeReader>> {
    const reader = new TracePipeReader(instance, onLine);
    try {
      reader.fh = await open(`${instance}/trace_pipe`, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      return { ok: false, reason: `cannot open ${instance}/trace_pipe (${errCode(e)})` };
    }
    const set = openReaders.get(instance) ?? new Set();
    set.add(reader);
    openReaders.set(instance, set);
    reader.loop = reader.poll();
    return { ok: true, value: reader };
  }

  private async poll(): Promise<void> {
    while (!this.stopped && this.fh) {
      let n = 0;
      try {
        n = (await this.fh.read(this.buf, 0, CHUNK, null)).bytesRead;
      } catch (e) {
        if (errCode(e) !== 'EAGAIN') {
          this.failure = `reading ${this.instance}/trace_pipe: ${errCode(e)}`;
          return;
        }
      }
      if (n > 0) {
        try {
          this.splitter.write(this.buf.subarray(0, n));
        } catch (e) {
          // A bug in a line handler must not become an unhandled rejection of this loop.
          this.failure = `handling a line of ${this.instance}/trace_pipe: ${e instanceof Error ? e.message : String(e)}`;
          return;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        // The poll never keeps the process alive by itself.
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Stops reading and closes trace_pipe (then the instance can be removed). Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    // A read in flight returns at once (O_NONBLOCK); only then is the file closed under it.
    await this.loop;
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
    openReaders.get(this.instance)?.delete(this);
  }
}

/**
 * Removes an instance: stops our readers of it, disables the event, rmdir (EBUSY while a trace_pipe is
 * open: retried briefly). True when it is gone (or never was). Never throws; idempotent.
 */
export async function removeInstance(path: string): Promise<boolean> {
  for (const r of [...(openReaders.get(path) ?? [])]) await r.stop();
  openReaders.delete(path);
  if (!(await exists(path))) return true;
  await writeFile(`${path}/${EVENT}/enable`, '0').catch(() => undefined);
  for (let i = 0; i < 10; i++) {
    try {
      await rmdir(path);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return true;
    }
    if (!(await exists(path))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !(await exists(path));
}

/**
 * Removes the session's instance wherever tracefs is (its path follows from the session id, so the
 * watchdog and `fwtrace cleanup` find it without a record). Returns the leftovers, as commands to run.
 */
export async function removeSessionInstance(session: string): Promise<string[]> {
  const path = await sessionInstancePath(session);
  return path === null || (await removeInstance(path)) ? [] : [`rmdir ${path}`];
}

/** Sessions that have an instance under a tracefs root (for `fwtrace cleanup` of runs without a state file). */
export async function instanceSessions(): Promise<string[]> {
  const root = await mountedRoot();
  if (root === null) return [];
  const names = await readdir(`${root}/instances`).catch(() => [] as string[]);
  return names.map(sessionOfInstance).filter((s): s is string => s !== null);
}
