// `fwtrace replay` on the built CLI: goldens of real captures, and the ways input can be hostile.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { expectGolden } from '../helpers/golden.js';
import { BIN, runCli } from './run-cli.js';

const CAP = 'test/fixtures/captures';
const GOLDEN = 'test/fixtures/cli';
const tmp = mkdtempSync(join(tmpdir(), 'fwtrace-cli-'));

const CASES = [
  {
    name: 'legacy-kube-service',
    args: [`${CAP}/legacy/kernlog/kube-service.txt`, '--rules', `${CAP}/legacy/rules/kube-service/rules.iptables-save`],
  },
  {
    name: 'xtables-db-denied',
    args: [
      `${CAP}/xtables/xtables-monitor/db-denied.txt`,
      '--rules',
      `${CAP}/xtables/rules/db-denied/rules.nft`,
      '--rules',
      `${CAP}/xtables/rules/db-denied/rules.iptables-save`,
    ],
  },
  {
    name: 'nft-portforward',
    args: [`${CAP}/nft/nft-monitor/portforward.txt`, '--rules', `${CAP}/nft/rules/portforward/rules.nft.json`],
  },
  { name: 'legacy-icmp-reject-no-rules', args: [`${CAP}/legacy/kernlog/icmp-reject.txt`] },
];

describe('fwtrace replay (built CLI)', () => {
  for (const c of CASES) {
    it(`${c.name}: NDJSON and plain text match their goldens`, () => {
      const json = runCli(['replay', ...c.args, '--json']);
      expect(json.stderr).toBe('');
      expect(json.status).toBe(0);
      for (const line of json.stdout.trim().split('\n')) expect(JSON.parse(line)).toHaveProperty('v', 1);
      expectGolden(join(GOLDEN, `${c.name}.ndjson`), json.stdout);
      const plain = runCli(['replay', ...c.args, '--plain']);
      expect(plain.status).toBe(0);
      expectGolden(join(GOLDEN, `${c.name}.txt`), plain.stdout);
    });
  }

  it('reads stdin with -', () => {
    const r = runCli(['replay', '-', '--json'], { input: 'trace id 0a0b0c0d inet filter input policy drop \n' });
    expect(r.status).toBe(0);
    const [trace] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; verdict?: { action: string } });
    expect(trace).toMatchObject({ type: 'trace', verdict: { action: 'drop' } });
  });

  it('garbage input: exit 0, no stack trace, every line counted as not understood', () => {
    const junk = Buffer.concat([
      Buffer.from('\x00\xff\xfe garbage {"MESSAGE":\n[ 1.0 ] TRACE: x\nPACKET: 2 zz\n'),
      Buffer.alloc(5000, 0xc3),
    ]);
    const r = runCli(['replay', '-', '--json'], { input: junk });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const stats = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      type: string;
      lines: number;
      unparsed: number;
      traces: number;
    };
    expect(stats).toMatchObject({ type: 'stats', lines: 4, traces: 0 });
    expect(stats.unparsed).toBeGreaterThanOrEqual(3);
  });

  it('a 20 MB single line is counted as too long and the next line still parses', () => {
    const file = join(tmp, 'long.txt');
    writeFileSync(file, 'x'.repeat(20 * 1024 * 1024) + '\ntrace id 0a0b0c0d inet filter input policy drop \n');
    const r = runCli(['replay', file, '--json']);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['type'] === 'trace')).toHaveLength(1);
    expect(lines.pop()).toMatchObject({ type: 'stats', unparsed: 1, unparsedReasons: { 'line too long': 1 } });
  });

  it('an output that cannot be written (a full disk) is an error, not a quiet success', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        '"$0" "$1" replay "$2" --json > /dev/full; echo "rc=$?"',
        process.execPath,
        BIN,
        `${CAP}/nft/nft-monitor/db-allowed.txt`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('rc=1');
    expect(r.stderr.trim()).toBe('fwtrace: cannot write the output: ENOSPC');
  });

  it('piping into head ends quietly (EPIPE)', () => {
    const big = join(tmp, 'big.txt');
    const one = 'trace id 0a0b0c0d inet filter input policy drop \n';
    writeFileSync(
      big,
      Array.from({ length: 50_000 }, (_, i) => one.replace('0a0b0c0d', (i + 1).toString(16).padStart(8, '0'))).join(''),
    );
    // The pipe to head is real: head closes it after one line.
    const r = spawnSync(
      'bash',
      [
        '-c',
        'set -o pipefail; "$0" "$1" replay "$2" --json | head -1; echo "rc=${PIPESTATUS[0]}"',
        process.execPath,
        BIN,
        big,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout).toMatch(/^\{"type":"trace"/);
    expect(r.stdout).toMatch(/rc=0/);
    expect(r.stderr).toBe('');
  });

  it('kernel-log traces that begin past the raw table (a ruleset newer than the capture) get a warning', () => {
    const warnings = (rules: string): string[] =>
      runCli(['replay', 'test/fixtures/unseen4/web-syn.dmesg.txt', '--rules', rules, '--json'])
        .stdout.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; message?: string })
        .filter((r) => r.type === 'warning')
        .map((r) => r.message ?? '');
    expect(warnings('test/fixtures/unseen4/web.iptables-save.txt')).toEqual([]);
    expect(warnings('test/fixtures/unseen4/web.iptables-save-drifted.txt')).toEqual([
      '1 kernel-log trace begins past the raw table, where TRACE starts every packet: its first lines are missing from the capture, or the ruleset given is not the one the capture ran through (a rule added since made an earlier line of the packet look final)',
    ]);
  });

  it('rules the ruleset does not hold in their chain (nft -n trace, ruleset with names) get a warning', () => {
    const dir = 'test/fixtures/numeric';
    const run = (capture: string, rules: string): { positions: string[]; warnings: string[] } => {
      const records = runCli(['replay', `${dir}/${capture}`, '--rules', `${dir}/${rules}`, '--json'])
        .stdout.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; message?: string; steps?: Trace['steps'] });
      const positions = records.flatMap((r) =>
        (r.steps ?? []).filter((s) => s.chain === 'in').map((s) => `${s.rule?.position ?? null}`),
      );
      return { positions, warnings: records.filter((r) => r.type === 'warning').map((r) => r.message ?? '') };
    };
    // Each monitor with the ruleset printed its way: every rule found, no warning.
    expect(run('icmp-reject.nft-n-monitor.txt', 'ruleset-n.nft')).toEqual({
      positions: ['1', '5', '3', '5', '4'],
      warnings: [],
    });
    expect(run('icmp-reject.nft-monitor.txt', 'ruleset.nft').positions).toEqual(['1', '5', '3', '5', '4']);
    const crossed = run('icmp-reject.nft-n-monitor.txt', 'ruleset.nft');
    expect(crossed.positions).toEqual(['null', 'null', 'null', 'null', 'null']);
    expect(crossed.warnings).toEqual([
      '5 traces name rules the ruleset given does not hold in their chain (first: t/in "icmp type 8 counter accept"), so their positions, counters and near misses are missing: give the ruleset taken with the capture, printed as the trace was (nft -n list ruleset for nft -n monitor trace; nft -a list ruleset for rules traced by handle)',
    ]);
  });

  it('a kernel log replayed with a dump that lacks its tables is told to give iptables-save, not an nft listing', () => {
    const warnings = (rules: string): string[] =>
      runCli([
        'replay',
        `${CAP}/legacy/kernlog/db-denied.txt`,
        '--rules',
        `${CAP}/legacy/rules/db-denied/${rules}`,
        '--json',
      ])
        .stdout.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; message?: string })
        .filter((r) => r.type === 'warning' && r.message?.includes('does not hold ('))
        .map((r) => r.message ?? '');
    // The IPv6 dump for an IPv4 log (review 57: it advised nft -a list ruleset, which holds no legacy rule).
    const [wrong] = warnings('rules.ip6tables-save');
    expect(wrong).toMatch(/^1 trace passes chains the ruleset given does not hold \(ip raw\/PREROUTING, /);
    expect(wrong).toMatch(
      /; give iptables-save output of the host the log was written on \(iptables-legacy's rules are in no nft listing\)$/,
    );
    expect(warnings('rules.iptables-save')).toEqual([]);
  });

  it('a capture that ends in the middle of a line (the reader died while writing) gets a warning', () => {
    const whole = readFileSync(`${CAP}/xtables/xtables-monitor/db-denied.txt`, 'utf8');
    const cut = join(tmp, 'cut-mid-line.txt');
    writeFileSync(cut, whole.slice(0, whole.lastIndexOf('\n', whole.length - 2) + 20));
    const warnings = (file: string): string[] =>
      runCli(['replay', file, '--json'])
        .stdout.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; message?: string })
        .filter((r) => r.type === 'warning')
        .map((r) => r.message ?? '');
    expect(warnings(`${CAP}/xtables/xtables-monitor/db-denied.txt`)).toEqual([]);
    expect(warnings(cut)).toEqual([
      `${cut} ends in the middle of a line (its writer was stopped, or the reader died): the last packet's trace may be incomplete`,
    ]);
  });

  it('a capture where the reader reported lost events: `lost` counts the reports, and a warning says counts are a lower bound', () => {
    const records = runCli(['replay', 'test/fixtures/unseen3/two-tables-lost.nft-monitor.txt', '--json'])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; message?: string; lost?: number });
    expect(records.filter((r) => r.type === 'warning').map((r) => r.message)).toEqual([
      'the reader reported lost events once (how many, it does not say): packets are missing from this capture and some traces may be cut short; counts are a lower bound',
    ]);
    expect(records.at(-1)).toMatchObject({ type: 'stats', lost: 1 });
  });

  it('a missing file is bad usage: exit 2, one line, no stack', () => {
    const r = runCli(['replay', join(tmp, 'nope.txt')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fwtrace: cannot read .*nope\.txt: no such file\n$/);
  });

  it('a forced format counts other dialects as not understood', () => {
    const r = runCli(['replay', '-', '--format', 'xtables', '--json'], {
      input: 'trace id 0a0b0c0d inet filter input policy drop \n',
    });
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ type: 'stats', traces: 0, unparsed: 1 });
  });

  it('--help lists examples; bad options exit 2', () => {
    expect(runCli(['replay', '--help']).stdout).toMatch(/Examples:/);
    expect(runCli(['--help']).stdout).toMatch(/replay/);
    expect(runCli(['replay', 'x', '--format', 'bogus']).status).toBe(2);
    expect(runCli(['replay']).status).toBe(2);
  });
});
