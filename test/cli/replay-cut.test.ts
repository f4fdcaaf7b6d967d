// A capture that ends while a packet was traced (its reader died, or was stopped mid-line): that packet's trace says
// the capture ends there, not what the kernel may have done (labs 45, 46, 48), on the built CLI.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const ENDS =
  'the capture ends here: its reader stopped while this packet was traced, so what became of it is not in the capture';

interface Record {
  readonly type: string;
  readonly id?: string;
  readonly explanation?: string;
  readonly message?: string;
  readonly verdict?: { readonly action: string; readonly table: string | null; readonly chain: string | null };
}

function replay(...args: string[]): Record[] {
  const r = runCli(['replay', '--json', ...args]);
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record);
}

describe('the trace the capture ends in', () => {
  it.each([
    // xtables-monitor died on an IPv6 packet it could not print (lab 46): the connection went on.
    [
      'test/fixtures/unseen46/iptnft-nat/xtables-monitor.txt',
      'test/fixtures/unseen46/iptnft-nat/ip6tables-save.txt',
      '7bc55724',
    ],
    // xtables-monitor fell behind (No buffer space available) under load (lab 45): the packet was dropped later.
    [
      'test/fixtures/unseen45/c2-iptnft.xtables-monitor.txt',
      'test/fixtures/unseen45/c2-iptnft.iptables-save-c.txt',
      '161d9c74',
    ],
    // A capture cut 100 bytes into its last line (lab 48).
    [
      'test/fixtures/unseen48/variants/X.cut-midline.txt',
      'test/fixtures/unseen48/dumps/ipt-nft.iptables-save-c.txt',
      '9ddfb10c',
    ],
  ])('%s: %s', (capture, rules, id) => {
    const records = replay(capture, '--rules', rules);
    const traces = records.filter((r) => r.type === 'trace');
    const last = traces.at(-1);
    expect(last?.id).toBe(id);
    // Only raw and nat had let it go on: no verdict (it read `accept` by the nat rule; lab 45's was dropped later).
    expect(last?.verdict?.action).toBe('unknown');
    expect(last?.explanation).toMatch(/^no verdict seen: the trace ends at (raw|nat)\/PREROUTING /);
    expect(last?.explanation?.endsWith(`; ${ENDS}`)).toBe(true);
    expect(last?.explanation).not.toContain('events were lost');
    // Only that one.
    expect(traces.filter((t) => t.explanation?.includes(ENDS))).toHaveLength(1);
  });

  it('a packet a filtering chain let through before the capture ends keeps that accept', () => {
    // Lab 48's capture cut after filter/FORWARD accepted the first packet, in the middle of its next line.
    const whole = readFileSync('test/fixtures/unseen48/variants/X.cut-midline.txt', 'utf8').split('\n');
    const dir = mkdtempSync(join(tmpdir(), 'fwtrace-cut-'));
    try {
      const capture = join(dir, 'cut.txt');
      writeFileSync(capture, whole.slice(0, 7).join('\n') + '\n' + whole[7]!.slice(0, 60));
      const traces = replay(capture).filter((r) => r.type === 'trace');
      expect(traces).toHaveLength(1);
      expect(traces[0]?.verdict).toMatchObject({ action: 'accept', table: 'filter', chain: 'FORWARD' });
      expect(traces[0]?.explanation).not.toContain('no verdict');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('xtables-monitor’s exit is said in one warning, with what to use instead', () => {
    const warnings = replay('test/fixtures/unseen46/iptnft-nat/xtables-monitor.txt').filter(
      (r) => r.type === 'warning',
    );
    expect(warnings.filter((w) => w.message?.startsWith('xtables-monitor exited there'))).toHaveLength(1);
  });

  it('a whole capture keeps the kernel’s causes for its last trace', () => {
    const traces = replay(
      'test/fixtures/unseen48/captures/ipt-nft.xtables-monitor.txt',
      '--rules',
      'test/fixtures/unseen48/dumps/ipt-nft.iptables-save-c.txt',
    ).filter((r) => r.type === 'trace');
    expect(traces.filter((t) => t.explanation?.includes(ENDS))).toEqual([]);
  });
});
