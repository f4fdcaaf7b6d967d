// The `?` overlay: every key, and what the panes show. Pure.
import { seg, type Line } from './style.js';

const KEYS: readonly (readonly [string, string])[] = [
  ['up/down  j/k', 'previous / next packet (in the path pane: scroll)'],
  ['PgUp/PgDn  g/G', 'a page up / down, first / last'],
  ['Enter  Tab', 'move between the packet list and the path pane'],
  ['/', 'filter by address, port, verdict, chain (Esc clears)'],
  ['f', 'follow: keep the newest packet selected'],
  ['p', 'pause: the list stops moving; new packets are still kept'],
  ['c', 'clear the list'],
  ['d', 'diagram of the hooks, the packet path drawn heavy'],
  ['r', 'refresh the rule counters (live)'],
  ['?', 'this help (any key closes it)'],
  ['q  Ctrl-C', 'quit (the trace rules are removed)'],
];

/** Fits the overlay's 74 columns: keys in 16, what they do in at most 58. */
export function helpLines(): Line[] {
  const lines: Line[] = [[seg('fwtrace keys', 'title')], []];
  for (const [k, what] of KEYS) lines.push([seg(k.padEnd(16), 'key'), seg(what)]);
  lines.push([]);
  lines.push([seg('The path pane lists the hooks in kernel order with the routing decisions', 'dim')]);
  lines.push([seg('between them, each table and chain passed, the rule that matched with its', 'dim')]);
  lines.push([seg('counters, NAT rewrites, the verdict and why.', 'dim')]);
  return lines;
}
