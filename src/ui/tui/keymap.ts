// Keys → actions, with the filter prompt's own keys while `/` is being typed. Pure.

export type Action =
  | { readonly kind: 'move'; readonly by: number }
  | { readonly kind: 'page'; readonly by: 1 | -1 }
  | { readonly kind: 'top' }
  | { readonly kind: 'bottom' }
  | { readonly kind: 'focus' }
  | { readonly kind: 'filter-start' }
  | { readonly kind: 'filter-char'; readonly ch: string }
  | { readonly kind: 'filter-back' }
  | { readonly kind: 'filter-done' }
  | { readonly kind: 'filter-clear' }
  | { readonly kind: 'follow' }
  | { readonly kind: 'pause' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'diagram' }
  | { readonly kind: 'refresh' }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit' };

const COMMON: Readonly<Record<string, Action>> = {
  'C-c': { kind: 'quit' },
  up: { kind: 'move', by: -1 },
  down: { kind: 'move', by: 1 },
  pageup: { kind: 'page', by: -1 },
  pagedown: { kind: 'page', by: 1 },
  home: { kind: 'top' },
  end: { kind: 'bottom' },
};

const NORMAL_NAMES: Readonly<Record<string, Action>> = {
  enter: { kind: 'focus' },
  tab: { kind: 'focus' },
  'S-tab': { kind: 'focus' },
  escape: { kind: 'filter-clear' },
};

const NORMAL_CHARS: Readonly<Record<string, Action>> = {
  k: { kind: 'move', by: -1 },
  j: { kind: 'move', by: 1 },
  g: { kind: 'top' },
  G: { kind: 'bottom' },
  '/': { kind: 'filter-start' },
  f: { kind: 'follow' },
  p: { kind: 'pause' },
  c: { kind: 'clear' },
  d: { kind: 'diagram' },
  r: { kind: 'refresh' },
  '?': { kind: 'help' },
  q: { kind: 'quit' },
  ' ': { kind: 'page', by: 1 },
};

const EDIT_NAMES: Readonly<Record<string, Action>> = {
  enter: { kind: 'filter-done' },
  escape: { kind: 'filter-clear' },
  backspace: { kind: 'filter-back' },
};

/**
 * `full` is blessed's key name (`up`, `S-g`, `C-c`, `enter`); `ch` the character typed, if any.
 * blessed reports Enter twice (`return` then `enter`): only `enter` is bound.
 */
export function keyAction(ch: string | undefined, full: string, editing: boolean): Action | null {
  const common = COMMON[full];
  if (common) return common;
  if (editing) {
    const named = EDIT_NAMES[full];
    if (named) return named;
    if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\u007f') return { kind: 'filter-char', ch };
    return null;
  }
  const named = NORMAL_NAMES[full];
  if (named) return named;
  return ch !== undefined ? (NORMAL_CHARS[ch] ?? null) : null;
}
