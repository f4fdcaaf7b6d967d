// What the user did to the view: focus, filter prompt, diagram, help, path scroll, status message, and the
// packet list model. Key actions are applied here, without blessed, so they are tested on their own.
import { unreachable } from '../../util/unreachable.js';
import { keyAction, type Action } from './keymap.js';
import { ListModel } from './list-model.js';

export interface UiCallbacks {
  readonly onQuit: () => void;
  readonly onRefreshCounters?: (() => void) | undefined;
}

/** Rows a PgUp/PgDn moves in each pane. */
export interface Pages {
  readonly list: number;
  readonly detail: number;
}

export class UiState {
  readonly model: ListModel;
  focus: 'list' | 'detail' = 'list';
  diagram = false;
  help = false;
  editing = false;
  /** First line shown in the detail pane; clamped when drawn. */
  scroll = 0;
  message: { text: string; warn: boolean } | null = null;
  private quitting = false;

  constructor(
    maxTraces: number,
    follow: boolean,
    private readonly cb: UiCallbacks,
  ) {
    this.model = new ListModel(maxTraces, follow);
  }

  /** A key press (blessed's `ch` and `key.full`); returns true when something may have changed. */
  key(ch: string | undefined, full: string, pages: Pages): boolean {
    const action = keyAction(ch, full, this.editing);
    if (this.help) {
      // Any key closes the help; q and Ctrl-C still quit.
      if (action?.kind === 'quit') this.act(action, pages);
      this.help = false;
      return true;
    }
    if (!action) return false;
    this.act(action, pages);
    return true;
  }

  act(a: Action, pages: Pages): void {
    const inList = this.focus === 'list';
    const page = Math.max(1, inList ? pages.list : pages.detail);
    switch (a.kind) {
      case 'move':
        if (inList) this.model.move(a.by);
        else this.scroll = Math.max(0, this.scroll + a.by);
        return;
      case 'page':
        if (inList) this.model.move(a.by * page);
        else this.scroll = Math.max(0, this.scroll + a.by * page);
        return;
      case 'top':
        if (inList) this.model.toTop();
        else this.scroll = 0;
        return;
      case 'bottom':
        if (inList) this.model.toBottom();
        else this.scroll = Number.MAX_SAFE_INTEGER;
        return;
      case 'focus':
        this.focus = inList ? 'detail' : 'list';
        return;
      case 'filter-start':
        this.editing = true;
        return;
      case 'filter-char':
        this.model.setFilter(this.model.filter + a.ch);
        return;
      case 'filter-back':
        this.model.setFilter([...this.model.filter].slice(0, -1).join(''));
        return;
      case 'filter-done':
        this.editing = false;
        return;
      case 'filter-clear':
        this.editing = false;
        this.model.setFilter('');
        return;
      case 'follow':
        this.model.toggleFollow();
        return;
      case 'pause':
        this.model.togglePause();
        return;
      case 'clear':
        this.model.clear();
        this.scroll = 0;
        return;
      case 'diagram':
        this.diagram = !this.diagram;
        this.scroll = 0;
        return;
      case 'refresh':
        this.refresh();
        return;
      case 'help':
        this.help = true;
        return;
      case 'quit':
        this.quit();
        return;
      default:
        unreachable(a);
    }
  }

  private refresh(): void {
    if (!this.cb.onRefreshCounters) {
      this.message = { text: 'rule counters can only be refreshed in a live trace', warn: false };
      return;
    }
    this.message = { text: 'refreshing rule counters', warn: false };
    this.cb.onRefreshCounters();
  }

  /** Calls onQuit once; the app stops the session and then closes the renderer. */
  private quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    this.message = { text: 'stopping', warn: false };
    try {
      this.cb.onQuit();
    } catch (err) {
      this.quitting = false;
      this.message = { text: `could not stop: ${err instanceof Error ? err.message : String(err)}`, warn: true };
    }
  }
}
