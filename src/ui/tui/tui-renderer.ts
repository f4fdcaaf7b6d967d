// The terminal UI renderer: SessionEvents in, a blessed screen out. Events only mark it dirty; frames are
// drawn by the FrameScheduler. It installs no process signal handlers: the app owns signals and calls close().
import type { Readable, Writable } from 'node:stream';
import type { Armed, Disarmed, RunStats, SessionEvent } from '../../model/session.js';
import { unreachable } from '../../util/unreachable.js';
import type { Renderer } from '../renderer.js';
import { probeLine } from '../probe-text.js';
import { FrameScheduler } from './frame.js';
import { headerLine, type HeaderInfo } from './header.js';
import { helpLines } from './help.js';
import { computeLayout, tooSmallMessage, type Layout, type Rect } from './layout.js';
import { detailPane, footerLine, listPane } from './panes.js';
import { RateMeter } from './rate.js';
import { closeScreen, openScreen, type OpenScreen } from './screen.js';
import type { Line } from './style.js';
import { linesToTags, toTags, type Palette } from './tags.js';
import { colorCount, terminalSetup, type TerminalSetup } from './terminal.js';
import { UiState } from './ui-state.js';
import { createWidgets, type Widgets } from './widgets.js';

export interface TuiOptions {
  /** Keyboard; process.stdin by default. */
  readonly input?: Readable;
  /** The terminal; process.stdout by default. blessed reads its `columns`, `rows` and `resize` event. */
  readonly output?: Writable;
  /** TERM, locale, NO_COLOR, NCURSES_NO_UTF8_ACS; process.env by default. Never modified. */
  readonly env?: NodeJS.ProcessEnv;
  /** Traces kept (a ring buffer: the oldest go first); 5000 by default. */
  readonly maxTraces?: number;
  /** `q` or Ctrl-C: the app stops the session, then calls close(). Called once. */
  readonly onQuit: () => void;
  /** `r`: the app re-reads the rule counters. */
  readonly onRefreshCounters?: () => void;
  /** live: follows new packets, shows the rate; replay: starts at the first packet, stays up after the input ends. */
  readonly mode: 'live' | 'replay';
  /** Replay: the file(s) read, shown in the header. */
  readonly source?: string;
}

export class TuiRenderer implements Renderer {
  private readonly opts: TuiOptions;
  private readonly setup: TerminalSetup;
  private readonly open: OpenScreen;
  private readonly palette: Palette;
  private readonly w: Widgets;
  private readonly ui: UiState;
  private readonly frames: FrameScheduler;
  private readonly rate = new RateMeter();
  private armed: Armed | null = null;
  private disarmed: Disarmed | null = null;
  private stats: Readonly<RunStats> | null = null;
  private ended = false;
  private shownSeq: number | null = null;
  private closed = false;
  private gone = false;

  constructor(opts: TuiOptions) {
    this.opts = opts;
    const input = opts.input ?? process.stdin;
    const output = opts.output ?? process.stdout;
    this.setup = terminalSetup(opts.env ?? process.env);
    // A vanished terminal (SSH drop: EIO) must not become an uncaught 'error' event; stay quiet until close().
    const ioError = (): void => this.ttyGone();
    input.on('error', ioError);
    output.on('error', ioError);
    this.open = openScreen(input, output, this.setup);
    this.palette = { colors: colorCount(this.setup, this.open.terminfoColors) };
    this.w = createWidgets(this.open.screen, this.palette.colors);
    this.ui = new UiState(opts.maxTraces ?? 5000, opts.mode === 'live', opts);
    this.frames = new FrameScheduler(() => this.draw());
    this.open.screen.on('keypress', (ch: string | undefined, key: { full?: string } | undefined) =>
      this.onKey(ch, key?.full ?? ''),
    );
    this.open.screen.on('resize', () => this.frames.now());
    this.frames.request();
  }

  /** Frames drawn so far (tests check the ~15 frames/s bound). */
  get frameCount(): number {
    return this.frames.frames;
  }

  handle(e: SessionEvent): void {
    if (this.closed) return;
    switch (e.kind) {
      case 'trace': {
        const now = Date.now();
        this.ui.model.add(e.trace, this.opts.mode === 'live' ? now : null);
        this.rate.mark(now);
        break;
      }
      case 'stats':
        this.stats = e.stats;
        if (e.final) this.ended = true;
        break;
      case 'warning':
        this.ui.message = { text: e.message, warn: true };
        break;
      case 'armed':
        this.armed = e.armed;
        break;
      case 'probe':
        this.ui.message = { text: probeLine(e.probe), warn: !e.probe.sent };
        break;
      case 'disarmed':
        this.disarmed = e.disarmed;
        this.ui.message = e.disarmed.clean
          ? { text: `stopped (${e.disarmed.reason}): trace rules removed`, warn: false }
          : { text: `could not remove every trace rule; run: ${e.disarmed.leftovers.join('; ')}`, warn: true };
        break;
      default:
        unreachable(e);
    }
    this.frames.request();
  }

  /** Restores the terminal (normal screen, cursor, cooked mode). Idempotent; safe when the tty is gone. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.frames.stop();
      closeScreen(this.open);
    }
    return Promise.resolve();
  }

  private ttyGone(): void {
    this.gone = true;
    this.frames.stop();
  }

  private onKey(ch: string | undefined, full: string): void {
    if (this.closed) return;
    const layout = computeLayout(this.size().cols, this.size().rows);
    const pages = { list: (layout?.list.height ?? 10) - 2, detail: (layout?.path.height ?? 10) - 2 };
    if (this.ui.key(ch, full, pages)) this.frames.request();
  }

  private size(): { cols: number; rows: number } {
    const s = this.open.screen;
    return { cols: Number(s.width) || 0, rows: Number(s.height) || 0 };
  }

  private headerInfo(): HeaderInfo {
    const m = this.ui.model;
    return {
      mode: this.opts.mode,
      armed: this.armed,
      disarmed: this.disarmed,
      source: this.opts.source ?? null,
      stats: this.stats,
      ended: this.ended,
      perSecond: this.rate.perSecond(Date.now()),
      received: m.received,
      state: m.paused ? 'paused' : m.follow ? 'following' : 'browsing',
      pending: m.pending,
    };
  }

  private draw(): void {
    if (this.closed || this.gone) return;
    const { cols, rows } = this.size();
    const layout = computeLayout(cols, rows);
    const w = this.w;
    const panes = [w.header, w.list, w.detail, w.footer];
    if (!layout) {
      for (const p of [...panes, w.help]) p.hide();
      w.small.setContent(tooSmallMessage(cols, rows));
      w.small.show();
    } else {
      w.small.hide();
      for (const p of panes) p.show();
      this.fill(layout, cols);
    }
    this.open.screen.render();
  }

  private fill(layout: Layout, cols: number): void {
    const g = this.setup.glyphs;
    const w = this.w;
    const ui = this.ui;
    place(w.header, layout.header, toTags(headerLine(this.headerInfo(), cols, g), this.palette));
    const list = listPane(ui.model, { cols, rows: layout.list.height, glyphs: g, mode: this.opts.mode });
    place(w.list, layout.list, this.paneTags(list.lines, list.selectedRow, ui.focus === 'list'));
    const seq = list.entry?.seq ?? null;
    if (seq !== this.shownSeq) ui.scroll = 0;
    this.shownSeq = seq;
    const opts = { cols, rows: layout.path.height, glyphs: g, diagram: ui.diagram, scroll: ui.scroll };
    const detail = detailPane(list.entry, opts);
    ui.scroll = detail.scroll;
    place(w.detail, layout.path, this.paneTags(detail.lines, -1, ui.focus === 'detail'));
    const foot = { cols, glyphs: g, editing: ui.editing, filter: ui.model.filter };
    place(
      w.footer,
      layout.footer,
      toTags(footerLine({ ...foot, message: ui.message?.text ?? null, warn: ui.message?.warn ?? false }), this.palette),
    );
    if (ui.help) {
      w.help.setContent(linesToTags(helpLines(), this.palette));
      w.help.show();
      w.help.setFront();
    } else w.help.hide();
  }

  /** Title row inverse when the pane has the focus; selected row inverse (focused) or underlined. */
  private paneTags(lines: readonly Line[], selected: number, focused: boolean): string {
    return lines
      .map((l, i) =>
        toTags(
          l,
          this.palette,
          i === 0 && focused ? 'inverse' : i === selected ? (focused ? 'inverse' : 'underline') : undefined,
        ),
      )
      .join('\n');
  }
}

function place(box: Widgets['header'], r: Rect, content: string): void {
  box.top = r.top;
  box.height = r.height;
  box.setContent(content);
}
