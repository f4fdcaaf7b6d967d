// Drives a TuiRenderer through injected streams and reads the screen back from a headless xterm.
import { PassThrough } from 'node:stream';
import xterm from '@xterm/headless';
import type { SessionEvent } from '../../../src/model/session.js';
import { TuiRenderer, type TuiOptions } from '../../../src/ui/tui/index.js';

const { Terminal } = xterm;

export interface Harness {
  readonly tui: TuiRenderer;
  readonly streams: { readonly input: PassThrough; readonly output: PassThrough };
  readonly quits: number;
  readonly refreshes: number;
  /** Raw bytes blessed wrote so far. */
  readonly raw: () => string;
  /** Feeds everything written so far to the terminal and returns its rows (trailing blanks trimmed). */
  screen(): Promise<string[]>;
  /** Waits for pending frames, then returns the screen. */
  settle(ms?: number): Promise<string[]>;
  key(seq: string): Promise<void>;
  send(...events: SessionEvent[]): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Foreground colour of `word` on the first row matching `row` (call after screen()). */
  colorsOf(row: RegExp, word: string): { fg: number; palette: boolean } | null;
  close(): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function startTui(
  cols: number,
  rows: number,
  opts: Partial<Omit<TuiOptions, 'input' | 'output' | 'onQuit' | 'onRefreshCounters'>> & { refresh?: boolean } = {},
): Harness {
  const output = Object.assign(new PassThrough(), { columns: cols, rows, isTTY: true });
  const input = new PassThrough();
  let raw = '';
  let fed = 0;
  output.on('data', (c: Buffer) => (raw += c.toString('utf8')));
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  const counts = { quits: 0, refreshes: 0 };
  const { refresh, ...rest } = opts;
  const tui = new TuiRenderer({
    input,
    output,
    env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' },
    mode: 'replay',
    ...rest,
    onQuit: () => void counts.quits++,
    ...(refresh ? { onRefreshCounters: () => void counts.refreshes++ } : {}),
  });
  const screen = async (): Promise<string[]> => {
    const chunk = raw.slice(fed);
    fed = raw.length;
    await new Promise<void>((r) => term.write(chunk, r));
    const lines: string[] = [];
    for (let y = 0; y < term.rows; y++)
      lines.push((term.buffer.active.getLine(y)?.translateToString(true) ?? '').trimEnd());
    return lines;
  };
  return {
    tui,
    streams: { input, output },
    get quits() {
      return counts.quits;
    },
    get refreshes() {
      return counts.refreshes;
    },
    raw: () => raw,
    screen,
    settle: async (ms = 120) => {
      // At least `ms`, and until no frame was drawn for 80 ms (slow CI machines).
      await sleep(ms);
      for (let seen = -1, tries = 0; seen !== tui.frameCount && tries < 50; tries++) {
        seen = tui.frameCount;
        await sleep(80);
      }
      return screen();
    },
    key: async (seq) => {
      const before = tui.frameCount;
      input.write(seq);
      for (let waited = 0; tui.frameCount === before && waited < 2000; waited += 10) await sleep(10);
      await sleep(20);
    },
    send: (...events) => events.forEach((e) => tui.handle(e)),
    resize: async (c, r) => {
      output.columns = c;
      output.rows = r;
      term.resize(c, r);
      output.emit('resize');
      await sleep(100);
    },
    close: () => tui.close(),
    colorsOf: (row, word) => {
      const buf = term.buffer.active;
      for (let y = 0; y < term.rows; y++) {
        const line = buf.getLine(y);
        const text = line?.translateToString(true) ?? '';
        if (!line || !row.test(text)) continue;
        const cell = line.getCell(text.lastIndexOf(word));
        return cell ? { fg: cell.getFgColor(), palette: cell.isFgPalette() } : null;
      }
      return null;
    },
  };
}
