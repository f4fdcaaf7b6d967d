// Micro-benchmark of the trace-line parsers (src/parse): each sample repeated to ~1M lines, lines/s per dialect,
// next to a baseline (splitting the same text into lines) to factor out the machine's speed.
// Run: npx tsx scripts/bench-parse.ts [lines]   (samples from ../shared/samples, or $FWTRACE_SAMPLES)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormatChoice } from '../src/model/parse.js';
import { createLineParser } from '../src/parse/line-parser.js';

const dir = process.env['FWTRACE_SAMPLES'] ?? join(import.meta.dirname, '..', '..', 'shared', 'samples');
const target = Number(process.argv[2] ?? 1_000_000);

interface Case {
  readonly name: string;
  readonly format: FormatChoice;
  readonly file: string;
  readonly only?: (line: string) => boolean;
}

const NFT = 'nft-monitor-trace-lab-k8s-docker-iptables-nft.txt';
const DMESG = 'legacy-trace-dmesg-lab-k8s-docker-ipv4-ipv6.txt';
const cases: readonly Case[] = [
  { name: 'nft (all lines)', format: 'nft', file: NFT },
  { name: 'nft rule lines', format: 'nft', file: NFT, only: (l) => l.includes(' rule ') },
  { name: 'nft packet: lines', format: 'nft', file: NFT, only: (l) => l.includes(' packet: ') },
  { name: 'nft -a -nn', format: 'nft', file: 'nft-monitor-trace-lab-a-nn-numeric.txt' },
  { name: 'xtables', format: 'xtables', file: 'xtables-monitor-trace-lab-1.8.9.txt' },
  { name: 'kernlog dmesg', format: 'kernlog', file: DMESG },
  { name: 'kernlog /dev/kmsg', format: 'kernlog', file: 'legacy-trace-dev-kmsg-lab.txt' },
  { name: 'kernlog dmesg -T', format: 'kernlog', file: 'legacy-trace-dmesg-T-lab.txt' },
  { name: 'kernlog ulogd text', format: 'kernlog', file: 'legacy-trace-nflog-ulogd-logemu-lab.txt' },
  { name: 'kernlog ulogd JSON', format: 'kernlog', file: 'legacy-trace-nflog-ulogd-json-lab.txt' },
  { name: 'auto (nft)', format: 'auto', file: NFT },
  { name: 'auto (kernlog dmesg)', format: 'auto', file: DMESG },
];

function load(c: Case): string[] {
  const lines = readFileSync(join(dir, c.file), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  return c.only ? lines.filter(c.only) : lines;
}

/** Lines per second of `fn` over `lines` repeated to ~target lines, after a warm-up. */
function rate(lines: readonly string[], fn: (lines: readonly string[], reps: number) => number): number {
  const reps = Math.max(1, Math.round(target / lines.length));
  fn(lines, Math.max(1, Math.round(reps / 10)));
  const t0 = performance.now();
  fn(lines, reps);
  return (reps * lines.length) / ((performance.now() - t0) / 1000);
}

function parseAll(format: FormatChoice): (lines: readonly string[], reps: number) => number {
  return (lines, reps) => {
    const parser = createLineParser(format);
    let events = 0;
    for (let r = 0; r < reps; r++)
      for (const l of lines) for (const o of parser.push(l)) if (o.kind === 'events') events++;
    return events + parser.flush().length;
  };
}

const mps = (n: number): string => `${(n / 1e6).toFixed(2)} M lines/s`;
// Baseline: find every space of every line (the least any tokenizer does), to factor out the machine's speed.
const baseline = rate(load({ name: 'baseline', format: 'auto', file: DMESG }), (lines, reps) => {
  let n = 0;
  for (let r = 0; r < reps; r++)
    for (const l of lines) for (let i = l.indexOf(' '); i >= 0; i = l.indexOf(' ', i + 1)) n++;
  return n;
});
console.log(`baseline (indexOf every space, ${DMESG}): ${mps(baseline)}`);
for (const c of cases) {
  const lines = load(c);
  const avg = Math.round(lines.reduce((a, l) => a + l.length, 0) / lines.length);
  const r = rate(lines, parseAll(c.format));
  console.log(
    `${c.name.padEnd(22)} avg ${String(avg).padStart(4)} chars  ${mps(r).padStart(16)}  (${(r / baseline).toFixed(2)} of baseline)`,
  );
}
