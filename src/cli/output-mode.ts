// Which renderer a run uses, from --tui/--plain/--json and the terminal.
import { usageError } from '../errors.js';

export type OutputMode = 'tui' | 'plain' | 'json';

/** Picks the output mode: the flag given, else the TUI on an interactive terminal, else plain text. */
export function outputMode(opts: { tui?: boolean; plain?: boolean; json?: boolean }, interactive: boolean): OutputMode {
  if ([opts.tui, opts.plain, opts.json].filter(Boolean).length > 1)
    throw usageError('choose one of --tui, --plain and --json');
  if (opts.json) return 'json';
  if (opts.plain) return 'plain';
  if (opts.tui) return 'tui';
  return interactive ? 'tui' : 'plain';
}

/** Keys can be read and the screen drawn: both ends are a terminal that can address the cursor. */
export function isInteractive(env: NodeJS.ProcessEnv): boolean {
  return process.stdout.isTTY === true && process.stdin.isTTY === true && (env['TERM'] ?? 'dumb') !== 'dumb';
}

/** Colours on a terminal unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces them. */
export function useColor(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY && env['TERM'] !== 'dumb';
}
