// Running short commands (arm, disarm, snapshots): argv arrays through execa, never a shell, never throwing.
import { execa } from 'execa';
import { fullArgv, type CommandSpec } from './command.js';

export interface CommandResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** One line for messages: the first stderr line, or why it could not start. */
  readonly summary: string;
}

/** Runs a command to completion; failures are values. */
export async function runCommand(cmd: CommandSpec, timeoutMs = 30_000): Promise<CommandResult> {
  const [file, ...args] = fullArgv(cmd);
  if (file === undefined) return { ok: false, exitCode: null, stdout: '', stderr: '', summary: 'empty command' };
  const r = await execa(file, args, {
    reject: false,
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
    stripFinalNewline: false,
    ...(cmd.stdin !== undefined ? { input: cmd.stdin } : { stdin: 'ignore' as const }),
    env: { LC_ALL: 'C' },
  });
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const firstErr = stderr.split('\n').find((l) => l.trim() !== '');
  const summary = r.failed ? (firstErr ?? r.shortMessage ?? `${file} failed`) : '';
  return { ok: !r.failed, exitCode: r.exitCode ?? null, stdout, stderr, summary };
}

/** Runs commands in order, stopping at the first failure. */
export async function runAll(
  cmds: readonly CommandSpec[],
): Promise<{ ok: true } | { ok: false; failed: CommandSpec; result: CommandResult }> {
  for (const cmd of cmds) {
    const result = await runCommand(cmd);
    if (!result.ok) return { ok: false, failed: cmd, result };
  }
  return { ok: true };
}
