// Paths, readers and helpers for the parser fixtures (test/fixtures/parse/<dialect>/<name>.txt).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../../src/model/common.js';
import type { TraceEvent } from '../../src/model/event.js';
import type { PacketInfo } from '../../src/model/packet.js';
import type { FormatChoice, ParseOutcome } from '../../src/model/parse.js';
import { createLineParser } from '../../src/parse/line-parser.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/parse/', import.meta.url));
export const DIALECTS: readonly Dialect[] = ['nft', 'xtables', 'kernlog'];

/** `[dialect, name]` of every fixture (name without `.txt`). */
export function fixtureCases(): [Dialect, string][] {
  return DIALECTS.flatMap((d) =>
    readdirSync(`${FIXTURES}${d}`)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f): [Dialect, string] => [d, f.slice(0, -4)]),
  );
}

/** The fixture's lines (without the final newline's empty line). */
export function fixtureLines(dialect: Dialect, name: string): string[] {
  const lines = readFileSync(`${FIXTURES}${dialect}/${name}.txt`, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export interface Emitted {
  /** 1-based line number at which the outcome was emitted (a held, wrapped record comes out a line later). */
  readonly at: number | 'flush';
  readonly outcome: ParseOutcome;
}

/** Runs a LineParser over the lines, recording where each outcome came out. */
export function runLines(format: FormatChoice, lines: readonly string[]): Emitted[] {
  const parser = createLineParser(format);
  const out: Emitted[] = [];
  lines.forEach((line, i) => {
    for (const outcome of parser.push(line)) out.push({ at: i + 1, outcome });
  });
  for (const outcome of parser.flush()) out.push({ at: 'flush', outcome });
  return out;
}

/** A JSON array with one element per line: readable in a diff. */
export function formatGolden(items: readonly unknown[]): string {
  return '[\n' + items.map((x) => JSON.stringify(x)).join(',\n') + '\n]\n';
}

/** Every event of a list of outcomes. */
export function eventsOf(outcomes: readonly ParseOutcome[]): TraceEvent[] {
  return outcomes.flatMap((o) => (o.kind === 'events' ? [...o.events] : []));
}

/** The single event of an outcome; throws (failing the test) otherwise. */
export function onlyEvent(o: ParseOutcome): TraceEvent {
  if (o.kind !== 'events' || o.events.length !== 1) throw new Error(`expected one event, got ${JSON.stringify(o)}`);
  const [e] = o.events;
  if (e === undefined) throw new Error('no event');
  return e;
}

/** One real kernel TRACE record (a SYN to a kube service VIP) and the packet it must parse to. */
export const BODY =
  'TRACE: raw:PREROUTING:policy:2 IN=rshr0 OUT= MAC=aa:98:65:32:1f:61:d2:4e:da:a3:37:b9:08:00 SRC=10.66.1.2 DST=10.96.0.10 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=44875 DF PROTO=TCP SPT=49022 DPT=80 SEQ=3888308531 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A589558BD000000000103030A) ';
export const PACKET: PacketInfo = {
  ipVersion: 4,
  proto: 'tcp',
  src: '10.66.1.2',
  dst: '10.96.0.10',
  sport: 49022,
  dport: 80,
  iif: 'rshr0',
  oif: '',
  len: 60,
  ttl: 64,
  ipId: 44875,
  tcpFlags: ['SYN'],
  tcpSeq: 3888308531,
  macSrc: 'd2:4e:da:a3:37:b9',
  macDst: 'aa:98:65:32:1f:61',
};
