// Which renderer a run uses, from --tui/--plain/--json and the terminal.
import { usageError } from '../errors.js';

export type OutputMode = 'plain' | 'json';

/** Picks the output mode; more than one of the flags is a usage error. */
export function outputMode(opts: { plain?: boolean; json?: boolean }): OutputMode {
  if (opts.plain && opts.json) throw usageError('choose one of --plain and --json');
  return opts.json ? 'json' : 'plain';
}

/** Colours on a terminal unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces them. */
export function useColor(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY && env['TERM'] !== 'dumb';
}
