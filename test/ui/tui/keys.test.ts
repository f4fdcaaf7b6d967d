// Keys → actions, and what they do to the UI state (selection, scroll, filter, help, quit).
import { describe, expect, it } from 'vitest';
import { keyAction } from '../../../src/ui/tui/keymap.js';
import { UiState } from '../../../src/ui/tui/ui-state.js';
import { captureTraces } from './fixtures.js';

const traces = captureTraces('legacy', 'kernlog', 'kube-service');
const pages = { list: 5, detail: 10 };

function state(refresh = false): { ui: UiState; calls: string[] } {
  const calls: string[] = [];
  const ui = new UiState(100, false, {
    onQuit: () => calls.push('quit'),
    onRefreshCounters: refresh ? () => calls.push('refresh') : undefined,
  });
  for (const t of traces) ui.model.add(t, null);
  return { ui, calls };
}

describe('key map', () => {
  it('maps blessed key names and characters', () => {
    expect(keyAction(undefined, 'down', false)).toEqual({ kind: 'move', by: 1 });
    expect(keyAction('k', 'k', false)).toEqual({ kind: 'move', by: -1 });
    expect(keyAction('G', 'S-g', false)).toEqual({ kind: 'bottom' });
    expect(keyAction('\r', 'enter', false)).toEqual({ kind: 'focus' });
    expect(keyAction('\r', 'return', false)).toBeNull();
    expect(keyAction('\t', 'tab', false)).toEqual({ kind: 'focus' });
    expect(keyAction('\u0003', 'C-c', false)).toEqual({ kind: 'quit' });
    expect(keyAction('x', 'x', false)).toBeNull();
  });

  it('while typing a filter, letters are text; Enter keeps, Esc clears, Ctrl-C still quits', () => {
    expect(keyAction('q', 'q', true)).toEqual({ kind: 'filter-char', ch: 'q' });
    expect(keyAction('\r', 'enter', true)).toEqual({ kind: 'filter-done' });
    expect(keyAction('\u001b', 'escape', true)).toEqual({ kind: 'filter-clear' });
    expect(keyAction('\u007f', 'backspace', true)).toEqual({ kind: 'filter-back' });
    expect(keyAction('\u0003', 'C-c', true)).toEqual({ kind: 'quit' });
  });
});

describe('ui state', () => {
  it('j/k move the selection in the list, and scroll the path pane after Tab', () => {
    const { ui } = state();
    ui.key('j', 'j', pages);
    ui.key('j', 'j', pages);
    expect(ui.model.selected()!.seq).toBe(3);
    ui.key('\t', 'tab', pages);
    expect(ui.focus).toBe('detail');
    ui.key('j', 'j', pages);
    ui.key(undefined, 'pagedown', pages);
    expect(ui.scroll).toBe(11);
    expect(ui.model.selected()!.seq).toBe(3);
    ui.key('g', 'g', pages);
    expect(ui.scroll).toBe(0);
  });

  it('/ types a filter, Esc clears it', () => {
    const { ui } = state();
    ui.key('/', '/', pages);
    for (const ch of '45706') ui.key(ch, ch, pages);
    expect(ui.model.filter).toBe('45706');
    ui.key('\u007f', 'backspace', pages);
    ui.key('\r', 'enter', pages);
    expect(ui.editing).toBe(false);
    expect(ui.model.filter).toBe('4570');
    ui.key('\u001b', 'escape', pages);
    expect(ui.model.filter).toBe('');
  });

  it('? opens help, any key closes it; d toggles the diagram; p pauses; f follows', () => {
    const { ui } = state();
    ui.key('?', '?', pages);
    expect(ui.help).toBe(true);
    ui.key('j', 'j', pages);
    expect(ui.help).toBe(false);
    expect(ui.model.selected()!.seq).toBe(1);
    ui.key('d', 'd', pages);
    expect(ui.diagram).toBe(true);
    ui.key('p', 'p', pages);
    expect(ui.model.paused).toBe(true);
    ui.key('f', 'f', pages);
    expect(ui.model.follow).toBe(true);
  });

  it('q and Ctrl-C call onQuit once; r refreshes only when the app can', () => {
    const a = state(true);
    a.ui.key('r', 'r', pages);
    a.ui.key('q', 'q', pages);
    a.ui.key('\u0003', 'C-c', pages);
    expect(a.calls).toEqual(['refresh', 'quit']);
    const b = state(false);
    b.ui.key('r', 'r', pages);
    expect(b.ui.message?.text).toContain('only be refreshed in a live trace');
    b.ui.key('?', '?', pages);
    b.ui.key('q', 'q', pages);
    expect(b.calls).toEqual(['quit']);
  });

  it('c clears the list', () => {
    const { ui } = state();
    ui.key('c', 'c', pages);
    expect(ui.model.visible()).toHaveLength(0);
  });
});
