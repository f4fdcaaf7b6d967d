// Splits one iptables rule line into arguments the way iptables-restore does: whitespace separated,
// double quotes group (`--comment "a b"`), backslash escapes a quote inside quotes. Pure; no I/O.

export interface Token {
  /** The argument with quotes removed and escapes resolved. */
  readonly value: string;
  /** Offset of the token's first character in the line. */
  readonly start: number;
  /** Offset just past the token's last character. */
  readonly end: number;
}

/** Splits `line` into tokens; an unterminated quote runs to the end of the line (never throws). */
export function tokenizeIptables(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line.charAt(i))) i++;
    if (i >= line.length) break;
    const start = i;
    let value = '';
    let quoted = false;
    while (i < line.length) {
      const c = line.charAt(i);
      if (!quoted && /\s/.test(c)) break;
      if (c === '"') {
        quoted = !quoted;
        i++;
      } else if (c === '\\' && quoted && i + 1 < line.length) {
        value += line.charAt(i + 1);
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    tokens.push({ value, start, end: i });
  }
  return tokens;
}
