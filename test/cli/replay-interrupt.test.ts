// Ctrl-C during `fwtrace replay -` (input still open): the packets read so far are reported, with a warning and
// the stats, and the exit code is 0 (README "Exit codes"), on the built CLI. Review 49: they were lost (exit 130).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { BIN } from './run-cli.js';

it('SIGINT while stdin stays open: what was read is traced, then a warning and the stats', async () => {
  const child = spawn(process.execPath, [BIN, 'replay', '--json', '-'], { env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  // Written, and the pipe left open: the reader of a live capture has not stopped.
  child.stdin.write(readFileSync('test/fixtures/captures/nft/nft-monitor/db-allowed.txt'));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill('SIGINT');
  const code = await exited;
  child.stdin.destroy();
  const records = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; message?: string });
  expect(code).toBe(0);
  expect(records.filter((r) => r.type === 'trace')).toHaveLength(10);
  expect(records.some((r) => r.type === 'warning' && r.message?.startsWith('interrupted:'))).toBe(true);
  expect(records.at(-1)?.type).toBe('stats');
});
