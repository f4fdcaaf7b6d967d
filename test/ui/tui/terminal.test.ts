// Terminal setup from the environment (TERM, locale, NO_COLOR, ACS) and the layout by size.
import { describe, expect, it } from 'vitest';
import { computeLayout, tooSmallMessage } from '../../../src/ui/tui/layout.js';
import { colorCount, terminalSetup, terminfoName } from '../../../src/ui/tui/terminal.js';

describe('terminal setup from the environment', () => {
  it('maps TERMs blessed cannot compile, and dumb/missing ones', () => {
    expect(terminfoName('screen-256color')).toBe('xterm-256color');
    expect(terminfoName('screen')).toBe('xterm-256color');
    expect(terminfoName('alacritty')).toBe('xterm-256color');
    expect(terminfoName('tmux-256color')).toBe('tmux-256color');
    expect(terminfoName('xterm-256color')).toBe('xterm-256color');
    expect(terminfoName('dumb')).toBe('vt100');
    expect(terminfoName(undefined)).toBe('xterm');
  });

  it('UTF-8 locale → Unicode glyphs and Unicode boxes (LC_ALL > LC_CTYPE > LANG)', () => {
    expect(terminalSetup({ LANG: 'en_US.UTF-8' })).toMatchObject({ unicode: true, unicodeBoxes: true });
    expect(terminalSetup({ LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toMatchObject({ unicode: false, unicodeBoxes: false });
    expect(terminalSetup({ LC_CTYPE: 'C.utf8' }).glyphs.arrow).toBe('→');
    expect(terminalSetup({}).glyphs.arrow).toBe('->');
    expect(terminalSetup({ LANG: 'C.UTF-8', NCURSES_NO_UTF8_ACS: '0' }).unicodeBoxes).toBe(false);
    expect(terminalSetup({ LANG: 'C', NCURSES_NO_UTF8_ACS: '1' }).unicodeBoxes).toBe(true);
  });

  it('colours: none with NO_COLOR, TERM=dumb, or fewer than 8 in terminfo', () => {
    const colour = terminalSetup({ TERM: 'xterm-256color' });
    expect(colorCount(colour, 256)).toBe(256);
    expect(colorCount(colour, 8)).toBe(8);
    expect(colorCount(colour, 2)).toBe(0);
    expect(colorCount(colour, undefined)).toBe(0);
    expect(colorCount(terminalSetup({ TERM: 'xterm', NO_COLOR: '1' }), 256)).toBe(0);
    expect(colorCount(terminalSetup({ TERM: 'xterm', NO_COLOR: '' }), 256)).toBe(256);
    expect(colorCount(terminalSetup({ TERM: 'dumb' }), 8)).toBe(0);
  });

  it('does not touch the environment it is given', () => {
    const env = { TERM: 'screen-256color', LANG: 'C.UTF-8' };
    terminalSetup(env);
    expect(env).toEqual({ TERM: 'screen-256color', LANG: 'C.UTF-8' });
  });
});

describe('layout', () => {
  it('needs 80x24, then gives the list about 40% of the body', () => {
    expect(computeLayout(79, 24)).toBeNull();
    expect(computeLayout(80, 23)).toBeNull();
    expect(computeLayout(80, 24)).toEqual({
      header: { top: 0, height: 1 },
      list: { top: 1, height: 8 },
      path: { top: 9, height: 14 },
      footer: { top: 23, height: 1 },
    });
    const big = computeLayout(120, 40)!;
    expect(big.list.height + big.path.height + 2).toBe(40);
    expect(tooSmallMessage(60, 20)).toBe('fwtrace needs at least 80x24; this terminal is 60x20');
    expect(tooSmallMessage(Number.NaN, 20)).toBe('fwtrace needs at least 80x24; this terminal is 0x20');
  });
});
