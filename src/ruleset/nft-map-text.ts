// The elements of a named map as `nft list ruleset` prints them:
// `elements = { 10.96.0.30 . tcp . 80 comment "default/noep:http" : goto reject-chain, ... }`, over one or more
// lines. Pure; no I/O.
import type { MapElement } from '../model/ruleset.js';
import { unquote } from './nft-tokens.js';

/** The elements in a map block's text (its lines joined); [] when it lists none. Never throws. */
export function mapElements(block: string): MapElement[] {
  const at = block.search(/\belements\s*=\s*\{/);
  if (at < 0) return [];
  const open = block.indexOf('{', at);
  const out: MapElement[] = [];
  for (const item of topLevel(block, open + 1)) {
    const element = parseElement(item.trim());
    if (element !== null) out.push(element);
  }
  return out;
}

/** The comma-separated items from `from` up to the brace that closes the list (quotes and nested braces kept). */
function topLevel(s: string, from: number): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = from;
  for (let i = from; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '}' || (c === ',' && depth === 0)) {
      items.push(s.slice(start, i));
      start = i + 1;
      if (c === '}') return items;
    }
  }
  items.push(s.slice(start));
  return items;
}

/** `KEY [comment "..."] : VALUE` (a set's element has no value). */
function parseElement(item: string): MapElement | null {
  if (item === '') return null;
  const colon = lastColonOutsideQuotes(item);
  const keyPart = colon < 0 ? item : item.slice(0, colon).trim();
  const value = colon < 0 ? '' : item.slice(colon + 1).trim();
  const comment = /\scomment\s+("(?:[^"\\]|\\.)*")\s*$/.exec(keyPart);
  const key = (comment === null ? keyPart : keyPart.slice(0, comment.index)).trim();
  return {
    key: key.split(/\s+\.\s+/),
    value,
    comment: comment?.[1] === undefined ? null : unquote(comment[1]),
  };
}

/** The `:` between key and value: the last one outside quotes followed by a space (IPv6 keys hold colons too). */
function lastColonOutsideQuotes(s: string): number {
  let quoted = false;
  let found = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ':' && s.charAt(i + 1) === ' ' && (i === 0 || s.charAt(i - 1) === ' ')) found = i;
  }
  return found;
}
