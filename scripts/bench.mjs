// Replay throughput against a bare split2 line count of the same file, in one run, and peak memory.
// Each measurement runs in a fresh child process so their memory does not mix.
// BENCH_RUNS=N repeats the pair N times (each in fresh processes) and judges the median ratio (the machine is shared).
// BENCH_STAGES=1 also says where replay's time goes: the same file read and split only, then parsed, then
// assembled, then rendered (each a fresh process; a stage's cost is its run minus the one before).
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [mode, file] = process.argv.slice(2);

/** DESIGN.md "Performance budgets". */
const MIN_LINES_PER_S = 1e6;
const MIN_RATIO = 0.5;
const MAX_RSS_MB = 150;

async function countWithSplit2(path) {
  const { default: split2 } = await import('split2');
  let lines = 0;
  const t0 = process.hrtime.bigint();
  const s = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(split2());
  s.on('data', () => lines++);
  await once(s, 'end');
  return { lines, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

async function replayToNull(path) {
  const { runReplay } = await import(join(root, 'dist/app/replay.js'));
  const { StreamSink } = await import(join(root, 'dist/sys/stdout-sink.js'));
  const { NdjsonRenderer } = await import(join(root, 'dist/ui/json/ndjson-renderer.js'));
  const out = createWriteStream('/dev/null');
  const sink = new StreamSink(out);
  const renderer = new NdjsonRenderer(sink);
  let lines = 0;
  let traces = 0;
  const counting = {
    handle(e) {
      if (e.kind === 'stats') lines = e.stats.lines;
      if (e.kind === 'trace') traces++;
      renderer.handle(e);
    },
    close: () => renderer.close(),
  };
  const t0 = process.hrtime.bigint();
  await runReplay({ files: [path], rules: [], format: 'auto' }, counting, sink);
  await counting.close();
  return { lines, traces, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Replay cut short after one stage: `split` (read, decode, split lines), `parse`, `assemble`, `render` (all). */
async function stageRun(path, stage) {
  const { LineFeed } = await import(join(root, 'dist/app/replay-feed.js'));
  const { LineSplitter } = await import(join(root, 'dist/sys/line-splitter.js'));
  const { openChunks } = await import(join(root, 'dist/sys/files.js'));
  const { Assembler } = await import(join(root, 'dist/trace/assembler.js'));
  const { StreamSink } = await import(join(root, 'dist/sys/stdout-sink.js'));
  const { NdjsonRenderer } = await import(join(root, 'dist/ui/json/ndjson-renderer.js'));
  const sink = new StreamSink(createWriteStream('/dev/null'));
  const renderer = new NdjsonRenderer(sink);
  // The same options as app/replay.ts.
  const assembler = new Assembler({ idle: 20_000, maxOpen: 4096, ordered: true });
  const render = (done) => {
    for (const trace of done) renderer.handle({ kind: 'trace', trace });
  };
  const emit = stage === 'render' ? render : () => undefined;
  const events =
    stage === 'parse'
      ? { event: () => undefined, tick: () => undefined }
      : { event: (e, line) => emit(assembler.push(e, line)), tick: (line) => emit(assembler.tick(line)) };
  const feed = new LineFeed('auto', events);
  let lines = 0;
  const splitter = new LineSplitter(stage === 'split' ? () => lines++ : feed.line);
  const t0 = process.hrtime.bigint();
  for await (const chunk of openChunks(path)) {
    splitter.write(chunk);
    if (sink.backedUp) await sink.drain();
  }
  splitter.end();
  feed.end();
  if (stage !== 'split') emit(assembler.flush());
  await renderer.close();
  return { lines: stage === 'split' ? lines : feed.stats.lines, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

const STAGES = ['split', 'parse', 'assemble', 'render'];

/** A big input made of the committed real captures, repeated. */
function makeInput(target) {
  const path = `/tmp/fwtrace-bench-${target}.txt`;
  if (existsSync(path)) return path;
  const dir = join(root, 'test/fixtures/parse');
  const sources = [
    'nft/trace-lab-k8s-docker-iptables-nft.txt',
    'xtables/trace-lab-1.8.9.txt',
    'kernlog/dmesg-lab-k8s-docker-ipv4-ipv6.txt',
  ];
  const found = sources.map((s) => join(dir, s)).filter((p) => existsSync(p));
  if (found.length !== sources.length) throw new Error(`bench sources missing under ${dir}`);
  const body = found
    .map((p) =>
      readFileSync(p, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .join('\n'),
    )
    .join('\n');
  const perCopy = body.split('\n').length;
  const copies = Math.ceil(target / perCopy);
  writeFileSync(path, (body + '\n').repeat(copies));
  return path;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const mlps = (r) => r.lines / r.ms / 1e3; // millions of lines per second
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

if (mode === '--child') {
  const which = process.argv[3];
  const path = process.argv[4];
  const r =
    which === 'split2'
      ? await countWithSplit2(path)
      : STAGES.includes(which)
        ? await stageRun(path, which)
        : await replayToNull(path);
  process.stdout.write(JSON.stringify({ ...r, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
} else {
  const target = Number(mode ?? 1_000_000);
  const path = file ?? makeInput(target);
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
  const sizeMB = statSync(path).size / 1e6;
  const run = (which) => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', which, path], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${which} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  run('split2'); // warm the page cache
  const pairs = [];
  for (let i = 0; i < runs; i++) {
    const base = run('split2');
    const replay = run('replay');
    pairs.push({ base, replay, ratio: mlps(replay) / mlps(base) });
    const line = (name, r) =>
      `${name} ${mlps(r).toFixed(2)}M lines/s (${r.ms.toFixed(0)} ms, peak RSS ${r.maxRssMB.toFixed(0)} MB)`;
    const tag = runs > 1 ? `run ${i + 1}: ` : '';
    if (i === 0) console.log(`input: ${path} (${sizeMB.toFixed(1)} MB, ${base.lines} lines, ${replay.traces} traces)`);
    console.log(`${tag}${line('split2 line count:', base)}`);
    console.log(`${tag}${line('replay --json:    ', replay)}`);
    console.log(`${tag}ratio replay/split2: ${pairs[i].ratio.toFixed(2)}`);
  }
  const pick = runs > 1 ? 'median of ' + runs : 'this run';
  const ratio = median(pairs.map((p) => p.ratio));
  const rate = median(pairs.map((p) => mlps(p.replay)));
  const rss = Math.max(...pairs.map((p) => p.replay.maxRssMB));
  if (runs > 1)
    console.log(`best ratio ${Math.max(...pairs.map((p) => p.ratio)).toFixed(2)}, median ${ratio.toFixed(2)}`);
  console.log(`budget (${pick}):`);
  console.log(
    `  replay >= ${MIN_LINES_PER_S / 1e6}M lines/s: ${rate.toFixed(2)}M  ${verdict(rate * 1e6 >= MIN_LINES_PER_S)}`,
  );
  console.log(`  replay/split2 >= ${MIN_RATIO}: ${ratio.toFixed(2)}  ${verdict(ratio >= MIN_RATIO)}`);
  console.log(`  peak RSS of replay <= ${MAX_RSS_MB} MB: ${rss.toFixed(0)} MB  ${verdict(rss <= MAX_RSS_MB)}`);
  if (process.env.BENCH_STAGES) {
    // Median of `runs` runs per stage, each stage's cost the difference to the one before.
    let before = 0;
    console.log(`where replay's time goes (median of ${runs} per stage, µs per line):`);
    for (const stage of STAGES) {
      const ms = median(Array.from({ length: runs }, () => run(stage).ms));
      const cost = ms - before;
      console.log(
        `  ${stage.padEnd(9)} ${cost.toFixed(0).padStart(5)} ms  ${((cost * 1e3) / pairs[0].base.lines).toFixed(2)}`,
      );
      before = ms;
    }
  }
}
