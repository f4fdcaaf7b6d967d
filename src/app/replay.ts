// `fwtrace replay`: saved trace output (+ optional rulesets) → parse → assemble → render. No root needed.
import type { FormatChoice } from '../model/parse.js';
import type { RuleIndex } from '../model/ruleset.js';
import type { Trace } from '../model/trace.js';
import { createLineParser } from '../parse/line-parser.js';
import { buildRuleIndex } from '../ruleset/rule-index.js';
import { combineSnapshots } from '../ruleset/combine.js';
import { readRuleset } from '../ruleset/read-ruleset.js';
import { checkReadable, openChunks, readText } from '../sys/files.js';
import { LineSplitter } from '../sys/line-splitter.js';
import type { StreamSink } from '../sys/stdout-sink.js';
import { Assembler } from '../trace/assembler.js';
import type { Renderer } from '../ui/renderer.js';
import { countOutcome, newRunStats } from './run-stats.js';

export interface ReplayConfig {
  readonly files: readonly string[];
  readonly rules: readonly string[];
  readonly format: FormatChoice;
}

/** Replay has no clock: time is counted in lines. A packet's events are never this far apart. */
const IDLE_LINES = 20_000;
const MAX_OPEN = 4096;
const TICK_EVERY = 1024;

/** Loads and merges the ruleset files into one index; warns about lines it did not understand. */
export async function loadRules(paths: readonly string[], warn: (m: string) => void): Promise<RuleIndex | undefined> {
  if (paths.length === 0) return undefined;
  const snaps = [];
  for (const path of paths) {
    const one = readRuleset(await readText(path));
    if (one.chains.length === 0)
      warn(`${path}: no chains found (expected iptables-save, nft list ruleset or nft -j output)`);
    else if (one.unparsed.length > 0) warn(`${path}: ${one.unparsed.length} lines not understood`);
    snaps.push(one);
  }
  const snapshot = combineSnapshots(snaps);
  return snapshot ? buildRuleIndex(snapshot) : undefined;
}

/** Runs a replay to the end of its inputs (or until the reader of our output goes away). */
export async function runReplay(cfg: ReplayConfig, renderer: Renderer, sink: StreamSink): Promise<void> {
  for (const f of [...cfg.files, ...cfg.rules]) await checkReadable(f);
  const index = await loadRules(cfg.rules, (message) => renderer.handle({ kind: 'warning', message }));
  const stats = newRunStats();
  const assembler = new Assembler({ index, idle: IDLE_LINES, maxOpen: MAX_OPEN, ordered: true });
  const parser = createLineParser(cfg.format);
  const emit = (traces: Trace[]): void => {
    for (const trace of traces) {
      stats.traces++;
      renderer.handle({ kind: 'trace', trace });
    }
  };
  const onLine = (line: string, truncated: boolean): void => {
    stats.lines++;
    if (truncated) {
      countOutcome(stats, { kind: 'unparsed', reason: 'line too long', line });
      return;
    }
    for (const o of parser.push(line)) {
      if (o.kind !== 'events') countOutcome(stats, o);
      else for (const e of o.events) emit(assembler.push(e, stats.lines));
    }
    if (stats.lines % TICK_EVERY === 0) emit(assembler.tick(stats.lines));
  };
  for (const file of cfg.files) {
    const splitter = new LineSplitter(onLine);
    for await (const chunk of openChunks(file)) {
      splitter.write(chunk);
      if (sink.closed) return;
      if (sink.backedUp) await sink.drain();
    }
    splitter.end();
  }
  for (const o of parser.flush()) {
    if (o.kind !== 'events') countOutcome(stats, o);
    else for (const e of o.events) emit(assembler.push(e, stats.lines));
  }
  emit(assembler.flush());
  stats.lost = assembler.stats.lost;
  for (const text of assembler.stats.readerErrors)
    renderer.handle({ kind: 'warning', message: `reader said: ${text}` });
  renderer.handle({ kind: 'stats', stats, final: true });
}
