import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/sys/line-splitter.js';

function split(chunks: (string | Buffer)[], max?: number): [string, boolean][] {
  const out: [string, boolean][] = [];
  const s = new LineSplitter((line, truncated) => out.push([line, truncated]), max);
  for (const c of chunks) s.write(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('splits lines across chunks and keeps a last line without newline', () => {
    expect(split(['a\nb', 'c\n', 'd'])).toEqual([
      ['a', false],
      ['bc', false],
      ['d', false],
    ]);
  });

  it('says whether the input ended in the middle of a line', () => {
    const ended = (chunks: string[]): boolean => {
      const s = new LineSplitter(() => undefined);
      for (const c of chunks) s.write(c);
      s.end();
      return s.endedMidLine;
    };
    expect(ended(['a\nb', 'c\n'])).toBe(false);
    expect(ended(['a\nb', 'c'])).toBe(true);
    expect(ended([])).toBe(false);
  });

  it('removes CR of CRLF line ends and keeps empty lines', () => {
    expect(split(['x\r\n\ny\r\n'])).toEqual([
      ['x', false],
      ['', false],
      ['y', false],
    ]);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('é\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1)])).toEqual([['é', false]]);
  });

  it('truncates an overlong line to its head, flags it, and goes on with the next line', () => {
    const long = 'z'.repeat(5000);
    const out = split([long.slice(0, 3000), long.slice(3000) + '\nnext\n'], 1000);
    expect(out).toHaveLength(2);
    expect(out[0]![1]).toBe(true);
    expect(out[0]![0].length).toBeLessThanOrEqual(200);
    expect(out[1]).toEqual(['next', false]);
  });

  it('flags an overlong line that arrives inside one chunk', () => {
    const out = split(['y'.repeat(3000) + '\nok\n'], 1000);
    expect(out.map((o) => o[1])).toEqual([true, false]);
  });

  it('flags an overlong last line without a newline', () => {
    const out = split(['q'.repeat(2000), 'q'.repeat(2000)], 1000);
    expect(out).toHaveLength(1);
    expect(out[0]![1]).toBe(true);
  });
});
