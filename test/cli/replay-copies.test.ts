// Captures joined with themselves or another reader's (lab 48), on the built CLI: one warning that says which.
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = 'test/fixtures/unseen48';

function warnings(...args: string[]): string[] {
  const r = runCli(['replay', '--json', ...args]);
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; message?: string })
    .filter((w) => w.type === 'warning')
    .map((w) => w.message ?? '');
}

describe('replay of a capture given twice', () => {
  it('a kernel log pasted twice: the repeat is said once, its stamps going back not again', () => {
    expect(warnings(`${dir}/variants/K.twice.txt`)).toEqual([
      'the capture repeats itself: line 100 starts its first lines again: it was pasted twice, or the same file given twice; its packets are counted twice',
    ]);
  });

  it('the same nft monitor file named three times', () => {
    const capture = `${dir}/captures/nft.nft-monitor.txt`;
    expect(warnings(capture, capture, capture).filter((w) => w.startsWith('the capture repeats'))).toEqual([
      expect.stringMatching(
        /^the capture repeats itself: line \d+ starts its first lines again \(2 times\):.* counted 3 times$/,
      ),
    ]);
  });

  it('nft monitor and xtables-monitor output of the same packets', () => {
    expect(warnings(`${dir}/variants/N+X.concat.txt`)).toEqual([
      'the input holds both nft monitor trace and xtables-monitor --trace records: both print the same kernel trace events, so a packet traced while both ran is here twice; replay one reader’s output',
    ]);
  });

  it('no such warning for the clean captures', () => {
    for (const name of ['nft.nft-monitor', 'ipt-nft.xtables-monitor', 'legacy.kernlog.dmesg'])
      expect(warnings(`${dir}/captures/${name}.txt`)).toEqual([]);
  });
});
