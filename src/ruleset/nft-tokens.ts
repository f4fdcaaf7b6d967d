// Splits nft rule text into words: whitespace separated, `"..."` kept whole, and `{ ... }` / `( ... )`
// groups kept as one token (nested). Pure; no I/O.

/** Tokens with their raw text (quotes and braces kept). Unbalanced input never throws. */
export function tokenizeNft(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (i >= text.length) break;
    const start = i;
    let depth = 0;
    let quoted = false;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') quoted = !quoted;
      else if (!quoted && (c === '{' || c === '(')) depth++;
      else if (!quoted && (c === '}' || c === ')')) depth = Math.max(0, depth - 1);
      else if (!quoted && depth === 0 && /\s/.test(c)) break;
      i++;
    }
    tokens.push(text.slice(start, i));
  }
  return tokens;
}

/** Net `{` minus `}` outside quotes, ignoring a trailing `# comment`. */
export function braceBalance(line: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '#') break;
    else if (c === '{') n++;
    else if (c === '}') n--;
  }
  return n;
}

/** `"a b"` → `a b`; other tokens unchanged. */
export function unquote(token: string): string {
  return token.length >= 2 && token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token;
}
