// What the environment says about the terminal: terminfo name to give blessed, UTF-8 or not, Unicode box
// drawing instead of DEC ACS, and how many colours to use. Pure: the env is passed in, never mutated.
import { ASCII_GLYPHS, UNICODE_GLYPHS, type Glyphs } from './style.js';

export interface TerminalSetup {
  /** The terminfo name blessed loads. */
  readonly terminal: string;
  /** The locale's character set is UTF-8. */
  readonly unicode: boolean;
  /** Draw boxes with Unicode characters, not DEC ACS (what NCURSES_NO_UTF8_ACS=1 asks ncurses). */
  readonly unicodeBoxes: boolean;
  /** Colours are allowed at all (NO_COLOR unset, TERM not dumb). */
  readonly colorAllowed: boolean;
  readonly glyphs: Glyphs;
}

/** The locale in effect for LC_CTYPE (LC_ALL overrides LC_CTYPE overrides LANG). */
function ctypeLocale(env: NodeJS.ProcessEnv): string {
  for (const k of ['LC_ALL', 'LC_CTYPE', 'LANG']) {
    const v = env[k];
    if (v) return v;
  }
  return '';
}

/**
 * The terminfo to load. blessed 0.1.81 cannot compile ncurses 6.4's `screen*` and `alacritty` entries (it prints
 * the generated code through console.error, then falls back to its own 8-colour xterm entry): load xterm-256color,
 * which tmux, screen and alacritty all understand. No TERM means xterm; `dumb` has no cursor addressing: vt100.
 */
export function terminfoName(term: string | undefined): string {
  if (!term) return 'xterm';
  if (term === 'dumb') return 'vt100';
  if (/^(screen|alacritty)/.test(term)) return 'xterm-256color';
  return term;
}

export function terminalSetup(env: NodeJS.ProcessEnv): TerminalSetup {
  const unicode = /utf-?8/i.test(ctypeLocale(env));
  const acs = env['NCURSES_NO_UTF8_ACS'];
  const unicodeBoxes = acs !== undefined && acs !== '' ? Number(acs) !== 0 : unicode;
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  return {
    terminal: terminfoName(env['TERM']),
    unicode,
    unicodeBoxes,
    colorAllowed: !noColor && env['TERM'] !== 'dumb',
    glyphs: unicode ? UNICODE_GLYPHS : ASCII_GLYPHS,
  };
}

/** Colours to use given what terminfo says (`tput colors`): fewer than 8 means none. */
export function colorCount(setup: TerminalSetup, terminfoColors: number | undefined): number {
  if (!setup.colorAllowed) return 0;
  if (terminfoColors === undefined || !Number.isFinite(terminfoColors) || terminfoColors < 8) return 0;
  return terminfoColors;
}
