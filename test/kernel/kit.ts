// Helpers of the kernel tests: run the BUILT CLI as a child process (argv arrays, never a shell), read
// its NDJSON, send lab traffic without blocking the event loop, snapshot a namespace's ruleset, and
// check what a run leaves behind (state file, readers, watchdog, sysctl).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { LAB_SCRIPT, isRoot, type Lab } from '../lab/lab.js';
import type { TraceView } from '../helpers/oracle.js';

export { isRoot };

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/fwtrace.js', import.meta.url));
export const STATE_DIR = '/run/fwtrace';
export const SYSCTL_ALL_NETNS = '/proc/sys/net/netfilter/nf_log_all_netns';

/** Every lab address (IPv4 nets, the service VIP, the IPv6 nets), nothing else. */
export const LAB_FILTER = 'net 10.66.0.0/16 or host 10.96.0.10 or net fd66::/16';

const execFileAsync = promisify(execFile);

/** Printed once per file when the kernel tests cannot run here. */
export function skipReason(): string | null {
  if (!isRoot()) return 'kernel tests skipped: they need root (network namespaces, netfilter)';
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))))
    return 'kernel tests skipped: dist/ is missing (npm run -s build)';
  return null;
}

export function announceSkip(): boolean {
  const why = skipReason();
  if (why) console.warn(why);
  return why !== null;
}

/** One NDJSON record. */
export type Rec = Record<string, unknown> & { readonly type: string };

/** The NDJSON `trace` record (docs/ndjson.md), as far as the tests read it. */
export interface TraceRec {
  readonly type: 'trace';
  readonly id: string;
  readonly backend: string;
  readonly time: string | null;
  readonly packet: {
    readonly ipVersion: number | null;
    readonly proto: string | number | null;
    readonly src: string | null;
    readonly dst: string | null;
    readonly sport: number | null;
    readonly dport: number | null;
    readonly tcpFlags: readonly string[] | null;
  };
  readonly steps: readonly {
    readonly hook: string;
    readonly table: string;
    readonly chain: string;
    readonly kind: string;
  }[];
  readonly verdict: TraceView['verdict'];
  readonly nat: TraceView['nat'];
}

/**
 * Traces in the order their packets were first seen (NDJSON writes a trace when it is complete, so a
 * dropped packet may come before an earlier accepted one): kernel-log ids count up (`k1`, `k2`, ...),
 * netlink traces carry the wall clock of their first event.
 */
export function inPacketOrder(traces: readonly TraceRec[]): TraceRec[] {
  const seq = (t: TraceRec): number => (/^k(\d+)$/.exec(t.id) ? Number(t.id.slice(1)) : 0);
  return [...traces].sort((a, b) => seq(a) - seq(b) || (a.time ?? '').localeCompare(b.time ?? ''));
}

/** One line per trace, for failure messages. */
export function summarize(traces: readonly TraceRec[]): string {
  return traces
    .map((t) => {
      const p = t.packet;
      const v = t.verdict;
      return `${t.id} ${t.steps[0]?.hook ?? '-'} ${String(p.proto)} ${p.src}:${p.sport ?? ''} > ${p.dst}:${p.dport ?? ''} [${(p.tcpFlags ?? []).join(',')}] ${v.action} ${v.table}/${v.chain} ${v.by} ${v.rule?.position ?? ''} ${v.rule?.text ?? ''}`;
    })
    .join('\n');
}

export interface ArmedRec extends Rec {
  readonly type: 'armed';
  readonly session: string;
  readonly backend: string;
  readonly netns: string | null;
  readonly commands: readonly string[];
}

export interface DisarmedRec extends Rec {
  readonly type: 'disarmed';
  readonly session: string;
  readonly removed: readonly string[];
  readonly clean: boolean;
  readonly leftovers: readonly string[];
  readonly sysctlRestored: string | null;
  readonly reason: string;
}

export interface CliExit {
  /** The CLI's pid: its session ids start with `<pid>_`. */
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly records: readonly Rec[];
}

export interface CliOptions {
  /** Extra environment (merged into this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** A wrapper argv put before `node bin/fwtrace.js` (e.g. setpriv to drop root). */
  readonly wrap?: readonly string[];
}

const live = new Set<CliRun>();

/** A running `fwtrace` (its stdout parsed as NDJSON as it arrives). */
export class CliRun {
  readonly child: ChildProcess;
  readonly records: Rec[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliExit>;
  private carry = '';
  private readonly waiters = new Set<() => void>();
  private done = false;

  constructor(args: readonly string[], opts: CliOptions = {}) {
    const argv = [...(opts.wrap ?? []), process.execPath, CLI, ...args];
    this.child = spawn(argv[0]!, argv.slice(1), {
      cwd: REPO,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      const lines = (this.carry + chunk).split('\n');
      this.carry = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.records.push(JSON.parse(line) as Rec);
        } catch {
          this.records.push({ type: 'not-json', line });
        }
      }
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.done = true;
        live.delete(this);
        this.wake();
        resolve({
          pid: this.child.pid!,
          code,
          signal,
          stdout: this.stdout,
          stderr: this.stderr,
          records: this.records,
        });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return !this.done;
  }

  traces(): TraceRec[] {
    return this.records.filter((r): r is Rec & TraceRec => r.type === 'trace');
  }

  warnings(): string[] {
    return this.records.filter((r) => r.type === 'warning').map((r) => String(r['message']));
  }

  /** The first record that satisfies `pred` (already there or still to come). */
  async waitFor<T extends Rec = Rec>(pred: (r: Rec) => boolean, timeoutMs = 15_000, what = 'record'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records.find(pred);
      if (found) return found as T;
      if (this.done)
        throw new Error(
          `fwtrace exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before the ${what}; stderr: ${this.stderr.trim()}; stdout: ${this.stdout.slice(-2000)}`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${what} from fwtrace within ${timeoutMs} ms; stderr: ${this.stderr.trim()}; stdout: ${this.stdout.slice(-2000)}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(left, 200));
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** The `armed` record: the rules are in and the reader listens. */
  armed(timeoutMs = 15_000): Promise<ArmedRec> {
    return this.waitFor<ArmedRec>((r) => r.type === 'armed', timeoutMs, 'armed record');
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** Waits for the exit; after `timeoutMs` it is interrupted (SIGINT, then SIGKILL) and the test fails. */
  async finish(timeoutMs = 20_000): Promise<CliExit> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const r = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (r === 'timeout') {
      await stopRun(this);
      throw new Error(`fwtrace did not exit within ${timeoutMs} ms; stderr: ${this.stderr.trim()}`);
    }
    return r;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }
}

export function startCli(args: readonly string[], opts: CliOptions = {}): CliRun {
  return new CliRun(args, opts);
}

/** Runs the CLI to completion (short commands: dry-run, bad input, cleanup). */
export function runCli(args: readonly string[], opts: CliOptions = {}, timeoutMs = 20_000): Promise<CliExit> {
  return new CliRun(args, opts).finish(timeoutMs);
}

/** Stops a run the gentle way (it cleans up), the hard way after 5 s (its watchdog cleans up). */
export async function stopRun(run: CliRun): Promise<void> {
  if (!run.running) return;
  run.signal('SIGINT');
  const gone = await Promise.race([run.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!gone) {
    run.signal('SIGKILL');
    await run.exited;
  }
}

/** For afterAll/finally: every run still going is stopped (a failed test must not leave one behind). */
export async function stopAllRuns(): Promise<void> {
  await Promise.all([...live].map(stopRun));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `pred` every `intervalMs` until true or `timeoutMs` passed; returns the last value. */
export async function waitUntil(
  pred: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * One scenario's traffic without blocking this process (a blocked test would stall the CLI's stdout).
 * `env`: the FWT_LAB_* overrides the lab was built with.
 */
export async function traffic(lab: Lab, scenario: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await execFileAsync(LAB_SCRIPT, ['traffic', scenario, '--prefix', lab.prefix], {
    env: { ...process.env, ...env, FWT_LAB_QUIET: '1' },
    timeout: 60_000,
  });
  return stdout;
}

/** Runs a command inside a namespace (argv, no shell); throws on failure. */
export function inNetns(netns: string, argv: readonly string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', netns, ...argv], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    input: input ?? '',
    timeout: 30_000,
  });
}

/** Like inNetns but returns '' when the command fails (a tool that has nothing to show). */
function inNetnsOrEmpty(netns: string, argv: readonly string[]): string {
  try {
    return inNetns(netns, argv);
  } catch {
    return '';
  }
}

/**
 * Everything a namespace's firewall holds, in every tool, with what legitimately changes while packets
 * flow taken out: counters (`[n:m]`, `counter packets n bytes m`), the elements of dynamic sets (the
 * SSH meter) and the save tools' date comments.
 */
export function rulesetSnapshot(netns: string): string {
  const parts: string[] = [];
  const nft = inNetnsOrEmpty(netns, ['nft', '-s', 'list', 'ruleset'])
    .replace(/\n\s*elements = \{[^}]*\}/g, '')
    .replace(/counter packets \d+ bytes \d+/g, 'counter');
  parts.push('## nft -s list ruleset', nft);
  for (const save of ['iptables-legacy-save', 'ip6tables-legacy-save', 'iptables-nft-save', 'ip6tables-nft-save']) {
    const text = inNetnsOrEmpty(netns, [save])
      .split('\n')
      .filter((l) => !l.startsWith('# Generated by') && !l.startsWith('# Completed on'))
      .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
      .join('\n');
    parts.push(`## ${save}`, text);
  }
  return parts.join('\n');
}

export function readAllNetnsSysctl(): string {
  return readFileSync(SYSCTL_ALL_NETNS, 'utf8').trim();
}

export function statePath(session: string): string {
  return `${STATE_DIR}/${session}.json`;
}

/** State files of sessions of the process `pid` (a session id is `<pid>_<random>`). */
export function stateFilesOf(pid: number): string[] {
  return stateFiles().filter((f) => f.startsWith(`${pid}_`));
}

export function stateFiles(): string[] {
  try {
    return readdirSync(STATE_DIR).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

export interface Proc {
  readonly pid: number;
  readonly cmd: string;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** Direct children of `pid` (from /proc/<pid>/stat of every process). */
export function childrenOf(pid: number): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(name), cmd: cmdline(Number(name)) });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

const READER = /(^|[\s/])(nft -a monitor trace|xtables-monitor --trace|dmesg --follow-new|journalctl -k -f)/;

/** The run's trace readers (nft monitor, xtables-monitor, dmesg): its children running one. */
export function readersOf(run: CliRun): Proc[] {
  return childrenOf(run.pid).filter((p) => READER.test(p.cmd));
}

/** The run's watchdog (`fwtrace __watchdog STATE`). */
export function watchdogOf(run: CliRun): Proc | undefined {
  return childrenOf(run.pid).find((p) => p.cmd.includes('__watchdog'));
}

/** Every process (anywhere) whose command line contains `text`. */
export function processesWith(text: string): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmd = cmdline(Number(name));
    if (cmd.includes(text) && isAlive(Number(name))) out.push({ pid: Number(name), cmd });
  }
  return out;
}

/** The readers and watchdog of a run, once it is armed (the readers listen by then). */
export async function helpersOf(run: CliRun, readers = 1): Promise<{ readers: Proc[]; watchdog: Proc }> {
  let found: { readers: Proc[]; watchdog: Proc | undefined } = { readers: [], watchdog: undefined };
  await waitUntil(() => {
    found = { readers: readersOf(run), watchdog: watchdogOf(run) };
    return found.readers.length >= readers && found.watchdog !== undefined;
  }, 3000);
  if (found.readers.length < readers || !found.watchdog)
    throw new Error(`readers/watchdog of ${run.pid} not found: ${JSON.stringify(childrenOf(run.pid))}`);
  return { readers: found.readers, watchdog: found.watchdog };
}

/** A warning when dist/ is older than src/ (the tests run the built CLI). */
export function warnIfStale(): void {
  const dist = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  if (!existsSync(dist)) return;
  const built = statSync(dist).mtimeMs;
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(`${dir}/${e.name}`) : statSync(`${dir}/${e.name}`).mtimeMs > built,
    );
  if (newer(src))
    console.warn('kernel tests: src/ is newer than dist/: these tests run the built CLI (npm run -s build)');
}

/** Every reader and watchdog a run starts, sampled every 20 ms while it runs (kept after they exit). */
export class ChildWatch {
  readonly seen = new Map<number, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly run: CliRun) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 20);
    void run.exited.then(() => clearInterval(this.timer));
  }

  private sample(): void {
    if (!this.run.running) return;
    for (const p of childrenOf(this.run.pid))
      if (READER.test(p.cmd) || p.cmd.includes('__watchdog')) this.seen.set(p.pid, p.cmd);
  }

  /** Those still alive (with the command line they had, so a reused pid is not mistaken for one). */
  alive(): Proc[] {
    return [...this.seen]
      .filter(([pid, cmd]) => isAlive(pid) && cmdline(pid) === cmd)
      .map(([pid, cmd]) => ({ pid, cmd }));
  }
}

/** Trace readers running inside a namespace (of any run). */
export function readersInNetns(netns: string): Proc[] {
  let pids: string[];
  try {
    pids = execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
  return pids.map((p) => ({ pid: Number(p), cmd: cmdline(Number(p)) })).filter((p) => READER.test(p.cmd));
}

/**
 * Live fwtrace sessions other than `except` (of this test or of anyone else on the host) that set
 * nf_log_all_netns: while one runs, the value is theirs too, so whether "ours" was restored cannot be
 * judged, and the tests must not write it.
 */
export function sysctlHolders(except: readonly string[] = []): string[] {
  return stateFiles().flatMap((f) => {
    try {
      const st = JSON.parse(readFileSync(`${STATE_DIR}/${f}`, 'utf8')) as {
        session: string;
        pid: number;
        sysctl: unknown;
      };
      return st.sysctl && !except.includes(st.session) && isAlive(st.pid) ? [st.session] : [];
    } catch {
      return [];
    }
  });
}

export interface Baseline {
  readonly netns: string;
  readonly ruleset: string;
  readonly sysctl: string;
  /** Other live runs held nf_log_all_netns when the baseline was taken. */
  readonly sysctlShared: boolean;
}

export function baseline(netns: string): Baseline {
  return {
    netns,
    ruleset: rulesetSnapshot(netns),
    sysctl: readAllNetnsSysctl(),
    sysctlShared: sysctlHolders().length > 0,
  };
}

/**
 * Nothing of the run is left (waiting up to `timeoutMs`: a watchdog works after the fact): the ruleset
 * is as before, the state file is gone, its readers and watchdog are gone, no reader runs in the
 * namespace, and nf_log_all_netns has its old value.
 */
export async function expectNothingLeft(
  base: Baseline,
  session: string,
  watch: ChildWatch | null,
  timeoutMs = 2000,
  requireSeen = true,
): Promise<void> {
  const state = statePath(session);
  // Another live run (someone else's, on this host) holding nf_log_all_netns: its value is not ours to judge.
  const sysctlOurs = (): boolean => !base.sysctlShared && sysctlHolders([session]).length === 0;
  await waitUntil(
    () =>
      rulesetSnapshot(base.netns) === base.ruleset &&
      !existsSync(state) &&
      (watch?.alive().length ?? 0) === 0 &&
      readersInNetns(base.netns).length === 0 &&
      (!sysctlOurs() || readAllNetnsSysctl() === base.sysctl),
    timeoutMs,
    100,
  );
  if (watch && requireSeen) {
    const seen = [...watch.seen.values()];
    expect(
      seen.some((c) => READER.test(c)) && seen.some((c) => c.includes('__watchdog')),
      `the run's reader and watchdog were seen: ${seen.join('; ')}`,
    ).toBe(true);
  }
  expect(rulesetSnapshot(base.netns), 'ruleset after the run').toBe(base.ruleset);
  expect(existsSync(state), `${state} removed`).toBe(false);
  expect(watch?.alive() ?? [], 'readers and watchdog of the run gone').toEqual([]);
  expect(readersInNetns(base.netns), 'no trace reader left in the namespace').toEqual([]);
  if (sysctlOurs()) expect(readAllNetnsSysctl(), 'net.netfilter.nf_log_all_netns restored').toBe(base.sysctl);
  else
    console.warn(
      `kernel tests: another fwtrace run holds net.netfilter.nf_log_all_netns (${sysctlHolders([session]).join(', ')}): its restoration not checked`,
    );
}

/** nf_log_all_netns as before, unless another live run holds it (then it is theirs to set). */
export function expectSysctlUnchanged(base: Baseline): void {
  if (base.sysctlShared || sysctlHolders().length > 0) return;
  expect(readAllNetnsSysctl(), 'net.netfilter.nf_log_all_netns unchanged').toBe(base.sysctl);
}

/** Where a tool really is (stand-ins put first in PATH exec it). */
export function realBinary(name: string): string {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin'])
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  throw new Error(`${name} not found`);
}

/** Runs argv in a namespace with `input` on stdin; resolves to the exit code. */
export function runInNetns(netns: string, argv: readonly string[], input: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code ?? -1));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Reloads a ruleset over and over (a config-management agent gone wild) until stop(). */
export class Reloader {
  ok = 0;
  failed = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(netns: string, argv: readonly string[], input: string, everyMs = 100) {
    this.loop = (async () => {
      while (!this.stopped) {
        if ((await runInNetns(netns, argv, input)) === 0) this.ok++;
        else this.failed++;
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
