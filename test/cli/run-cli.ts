// Runs the built CLI (bin/fwtrace.js → dist) as a user would: argv array, no shell.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/fwtrace.js', import.meta.url));

export function runCli(
  args: string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 512 * 1024 * 1024,
    timeout: 60_000,
  });
}
