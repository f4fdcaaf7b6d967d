// What a verdict map chose for a packet, read from a rule's text (`ct state vmap { established : accept, invalid :
// jump ctinvalid }`): the keys whose verdict it was. Pure; no I/O.

/**
 * `ct state invalid` for that rule (the map its last word) and `jump ctinvalid` (a jump says nothing of why without it): the text before
 * the map with the keys of that verdict; null when the rule has no such entry.
 */
export function vmapEntry(text: string | null | undefined, verdict: string): string | null {
  const at = text?.indexOf(' vmap { ') ?? -1;
  if (text == null || at < 0 || !text.endsWith('}')) return null;
  const keys: string[] = [];
  for (const entry of text.slice(at + 8, -1).split(', ')) {
    const colon = entry.lastIndexOf(' : ');
    if (colon > 0 && entry.slice(colon + 3).trim() === verdict) keys.push(entry.slice(0, colon).trim());
  }
  return keys.length === 0 ? null : `${text.slice(0, at)} ${keys.join(', ')}`;
}
