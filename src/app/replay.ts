// `fwtrace replay`: saved trace output (+ optional rulesets) → parse → assemble → render. No root needed.
import type { FormatChoice } from '../model/parse.js';
import type { RuleIndex } from '../model/ruleset.js';
import type { Trace } from '../model/trace.js';
import { buildRuleIndex } from '../ruleset/rule-index.js';
import { combineSnapshots, sharedTables } from '../ruleset/combine.js';
import { readRuleset } from '../ruleset/read-ruleset.js';
import { checkReadable, readText } from '../sys/files.js';
import type { StreamSink } from '../sys/stdout-sink.js';
import { Assembler } from '../trace/assembler.js';
import type { Renderer } from '../ui/renderer.js';
import {
  LineFeed,
  readInto,
  type EventSink,
  type ReadEnd,
  type RulesetChanges,
  type StampsBack,
} from './replay-feed.js';
import { MisfitRules } from './misfit-rules.js';
import type { Repeats } from './repeat-watch.js';
import { MissingChains } from './missing-chains.js';
import { UnmatchedRules } from './unmatched-rules.js';

export interface ReplayConfig {
  readonly files: readonly string[];
  readonly rules: readonly string[];
  readonly format: FormatChoice;
  /** Ctrl-C: stop reading, and report what was read. */
  readonly stop?: AbortSignal;
}

/** Replay has no clock: time is counted in lines. A packet's events are never this far apart. */
const IDLE_LINES = 20_000;
const MAX_OPEN = 4096;

/** Loads and merges the ruleset files into one index; warns about lines it did not understand. */
export async function loadRules(paths: readonly string[], warn: (m: string) => void): Promise<RuleIndex | undefined> {
  if (paths.length === 0) return undefined;
  const dumps = [];
  for (const path of paths) {
    const one = readRuleset(await readText(path));
    if (one.chains.length === 0)
      warn(`${path}: no chains found (expected iptables-save, nft list ruleset or nft -j output)`);
    else if (one.unparsed.length > 0) warn(`${path}: ${one.unparsed.length} lines not understood`);
    dumps.push({ name: path, snap: one });
  }
  for (const message of sharedTables(dumps)) warn(message);
  const snapshot = combineSnapshots(dumps.map((d) => d.snap));
  return snapshot ? buildRuleIndex(snapshot) : undefined;
}

/** Runs a replay to the end of its inputs (or until the reader of our output goes away). */
export async function runReplay(cfg: ReplayConfig, renderer: Renderer, sink: StreamSink): Promise<void> {
  for (const f of [...cfg.files, ...cfg.rules]) await checkReadable(f);
  const index = await loadRules(cfg.rules, (message) => renderer.handle({ kind: 'warning', message }));
  let traces = 0;
  let headless = 0;
  const unmatched = index === undefined ? null : new UnmatchedRules(index);
  const unheld = index === undefined ? null : new MissingChains(index);
  const misfit = index === undefined ? null : new MisfitRules();
  const assembler = new Assembler({ index, idle: IDLE_LINES, maxOpen: MAX_OPEN, ordered: true });
  const emit = (done: readonly Trace[]): void => {
    // Most events complete no trace: an indexed loop then costs nothing (for...of would make an iterator).
    for (let i = 0; i < done.length; i++) {
      const trace = done[i]!;
      traces++;
      if (startsPastRaw(trace)) headless++;
      unmatched?.see(trace);
      unheld?.see(trace);
      misfit?.see(trace);
      renderer.handle({ kind: 'trace', trace });
    }
  };
  const out: EventSink = {
    event: (e, line) => emit(assembler.push(e, line)),
    tick: (line) => emit(assembler.tick(line)),
  };
  const cut: string[] = [];
  const { feed: parsed, end } = await parse(cfg, out, sink, (file) => cut.push(file));
  if (end === 'closed') return;
  const counted = parsed.stats;
  if (cut.length > 0 || parsed.endedOnError || end === 'interrupted') assembler.cutShort();
  emit(assembler.flush());
  const stats = { ...counted, traces, lost: assembler.stats.lost };
  for (const text of assembler.stats.readerErrors)
    renderer.handle({ kind: 'warning', message: `reader said: ${text}` });
  if (parsed.xtablesExited) renderer.handle({ kind: 'warning', message: XTABLES_MONITOR_STOPPED });
  if (headless > 0) renderer.handle({ kind: 'warning', message: headlessWarning(headless, index !== undefined) });
  if (stats.lost > 0) renderer.handle({ kind: 'warning', message: lostWarning(stats.lost) });
  for (const file of cut) renderer.handle({ kind: 'warning', message: midLineWarning(file) });
  if (parsed.changes.count > 0)
    renderer.handle({ kind: 'warning', message: changedWarning(parsed.changes, index !== undefined) });
  const wrapped = parsed.wrapped();
  if (wrapped !== null) renderer.handle({ kind: 'warning', message: wrappedWarning(wrapped.width, wrapped.lines) });
  const repeats = parsed.repeats();
  if (repeats !== null) renderer.handle({ kind: 'warning', message: repeatsWarning(repeats) });
  // Stamps that go back where the capture repeats itself say nothing more.
  if (parsed.stampsBack.count > (repeats?.count ?? 0))
    renderer.handle({ kind: 'warning', message: stampsBackWarning(parsed.stampsBack) });
  if (parsed.bothNetlinkReaders()) renderer.handle({ kind: 'warning', message: BOTH_NETLINK_READERS });
  for (const message of [unheld?.warning(), unmatched?.warning(cut.length > 0), misfit?.warning()])
    if (message) renderer.handle({ kind: 'warning', message });
  if (end === 'interrupted')
    renderer.handle({
      kind: 'warning',
      message: 'interrupted: the rest of the input was not read (the traces above are what was)',
    });
  renderer.handle({ kind: 'stats', stats, final: true });
}

const XTABLES_MONITOR_STOPPED =
  'xtables-monitor exited there: the packets traced after its last line are not in this capture (it exits on rules and packets it cannot print, and when it falls behind); nft monitor trace shows iptables-nft rules too';

/** A kernel-log trace whose first line is not in the raw table, where `-j TRACE` (valid there only) starts every packet. */
function startsPastRaw(t: Trace): boolean {
  return t.backend === 'kernlog' && t.steps.length > 0 && t.steps[0]!.table !== 'raw';
}

function headlessWarning(n: number, withRules: boolean): string {
  const traces = n === 1 ? '1 kernel-log trace begins' : `${n} kernel-log traces begin`;
  const rules = withRules
    ? ', or the ruleset given is not the one the capture ran through (a rule added since made an earlier line of the packet look final)'
    : '';
  return `${traces} past the raw table, where TRACE starts every packet: its first lines are missing from the capture${rules}`;
}

function lostWarning(reports: number): string {
  const times = reports === 1 ? 'once' : `${reports} times`;
  return (
    `the reader reported lost events ${times} (how many, it does not say): packets are missing from this capture ` +
    'and some traces may be cut short; counts are a lower bound'
  );
}

function midLineWarning(file: string): string {
  const name = file === '-' ? 'standard input' : file;
  return `${name} ends in the middle of a line (its writer was stopped, or the reader died): the last packet's trace may be incomplete`;
}

/** Reads and parses the files into out: the feed (its counts) and how reading ended. */
async function parse(
  cfg: ReplayConfig,
  out: EventSink,
  sink: StreamSink,
  endedMidLine: (file: string) => void,
): Promise<{ feed: LineFeed; end: ReadEnd }> {
  const feed = new LineFeed(cfg.format, out);
  const pause = async (): Promise<boolean> => {
    if (sink.closed) return false;
    if (sink.backedUp) await sink.drain();
    return true;
  };
  return { feed, end: await readInto(cfg.files, feed, pause, endedMidLine, cfg.stop) };
}

/** Most lines one length and many not understood: a terminal copy broke the records at its width. */
function wrappedWarning(width: number, lines: number): string {
  return `${lines} lines are exactly ${width} characters long and many lines were not understood: the capture looks hard-wrapped at ${width} columns (copied from a terminal); its records are broken and its traces wrong: save the reader's output to a file instead (e.g. nft monitor trace > capture.txt)`;
}

/** The capture's first lines again, in order. */
function repeatsWarning(r: Repeats): string {
  const times = r.count === 1 ? '' : ` (${r.count} times)`;
  return `the capture repeats itself: line ${r.first} starts its first lines again${times}: it was pasted twice, or the same file given twice; its packets are counted ${r.count === 1 ? 'twice' : `${r.count + 1} times`}`;
}

const BOTH_NETLINK_READERS =
  'the input holds both nft monitor trace and xtables-monitor --trace records: both print the same kernel trace events, so a packet traced while both ran is here twice; replay one reader’s output';

/** Kernel-log stamps that go back: the same lines twice, or captures of another boot or host joined. */
function stampsBackWarning(b: StampsBack): string {
  const times = b.count === 1 ? 'once' : `${b.count} times`;
  const first = b.first === null ? '' : ` (first at line ${b.first.line}: [${b.first.stamp}] after [${b.first.after}])`;
  return `the kernel-log stamps go back ${times}${first}: the capture holds the same lines twice (pasted twice?), or captures of another boot or host joined; packets may be counted twice`;
}

/** The reader printed changes to the ruleset: one dump cannot fit the whole capture. */
function changedWarning(c: RulesetChanges, withRules: boolean): string {
  const times = c.count === 1 ? 'once' : `${c.count} times`;
  const first = c.first === null ? '' : ` (first: ${c.first.length > 120 ? `${c.first.slice(0, 120)}…` : c.first})`;
  const rules = withRules
    ? 'a dump fits only the part of the capture taken under that ruleset, and the rule positions, counters and near misses given for the rest may be wrong'
    : 'rule positions and texts may not be those of the ruleset now';
  return `the ruleset changed ${times} during the capture${first}: ${rules}; nft monitor also keeps printing a replaced rule's old text`;
}
