// Styled-text helpers: clipping, word wrap, tag markup escaping, and the help text width.
import { describe, expect, it } from 'vitest';
import { helpLines } from '../../../src/ui/tui/help.js';
import { clip, clipLine, clipStart, fit, lineText, lineWidth, padLine, seg, whole } from '../../../src/ui/tui/style.js';
import { escapeText, toTags } from '../../../src/ui/tui/tags.js';
import { wrapLine } from '../../../src/ui/tui/wrap.js';

describe('clipping and padding', () => {
  it('clips with an ellipsis and pads to exact widths', () => {
    expect(clip('abcdef', 4, '…')).toBe('abc…');
    expect(clip('abc', 4, '…')).toBe('abc');
    expect(clip('abc', 0, '…')).toBe('');
    expect(clipStart('/a/b/file.txt', 9, '…')).toBe('…file.txt');
    expect(clipStart('file.txt', 9, '…')).toBe('file.txt');
    expect(fit('ab', 4, '~')).toBe('ab  ');
    expect(fit('ab', 4, '~', true)).toBe('  ab');
    const l = clipLine([seg('abc', 'good'), seg('def', 'bad')], 5, '…');
    expect(l).toEqual([seg('abc', 'good'), seg('d…', 'bad')]);
    expect(lineWidth(padLine([seg('x')], 6, '…'))).toBe(6);
    expect(clipLine([seg('abc'), seg('def')], 3, '~')).toEqual([seg('ab~')]);
  });
});

describe('word wrap', () => {
  it('wraps at spaces with a hanging indent', () => {
    const lines = wrapLine([seg('    '), seg('alpha beta gamma delta epsilon', 'dim')], 20, 6).map(lineText);
    expect(lines).toEqual(['    alpha beta gamma', '      delta epsilon']);
  });

  it('keeps nowrap segments whole and splits words longer than a line', () => {
    const kept = wrapLine([seg('a b c d e f g h'), whole(' (12 pkts, 720 bytes)')], 24, 2).map(lineText);
    expect(kept).toEqual(['a b c d e f g h', '  (12 pkts, 720 bytes)']);
    const long = wrapLine([seg('x'.repeat(25))], 10, 2).map(lineText);
    expect(long[0]).toBe('x'.repeat(10));
    expect(long.every((l) => l.length <= 10)).toBe(true);
    expect(long.join('').replace(/ /g, '')).toBe('x'.repeat(25));
  });
});

describe('tag markup', () => {
  it('escapes braces (nft sets) and strips control characters', () => {
    expect(escapeText('tcp dport { 22, 80 } accept')).toBe('tcp dport {open} 22, 80 {close} accept');
    expect(escapeText('a\u001b[31mb\u0007')).toBe('a?[31mb?');
  });

  it('colours by style, monochrome uses bold only, grey only with 16+ colours', () => {
    expect(toTags([seg('ACCEPT', 'good')], { colors: 256 })).toBe('{green-fg}ACCEPT{/green-fg}');
    expect(toTags([seg('DROP', 'bad')], { colors: 0 })).toBe('{bold}DROP{/bold}');
    expect(toTags([seg('ACCEPT', 'good')], { colors: 0 })).toBe('ACCEPT');
    expect(toTags([seg('x', 'dim')], { colors: 8 })).toBe('x');
    expect(toTags([seg('x', 'dim')], { colors: 256 })).toBe('{gray-fg}x{/gray-fg}');
    expect(toTags([seg('x')], { colors: 0 }, 'inverse')).toBe('{inverse}x{/inverse}');
  });
});

describe('help', () => {
  it('fits the overlay (74 columns inside the border)', () => {
    for (const l of helpLines()) expect(lineWidth(l)).toBeLessThanOrEqual(74);
  });
});
