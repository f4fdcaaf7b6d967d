// Session tags: every object a run adds carries `<pid>_<random>`, so cleanup can tell whose it is. Pure.

const TABLE_PREFIX = 'fwtrace_';
const COMMENT_PREFIX = 'fwtrace:';
const SESSION = /^(\d+)_([0-9a-f]{4,8})$/;

/** A new session id for process `pid`; `random` is 16 random bits from the caller. */
export function newSession(pid: number, random: number): string {
  return `${pid}_${(random & 0xffff).toString(16).padStart(4, '0')}`;
}

/** The nft table of a session (family inet). */
export function sessionTable(session: string): string {
  return `${TABLE_PREFIX}${session}`;
}

/** The iptables comment of a session's TRACE rules. */
export function sessionComment(session: string): string {
  return `${COMMENT_PREFIX}${session}`;
}

/** The pid that owns a session id, or null when it is not one. */
export function sessionPid(session: string): number | null {
  const m = SESSION.exec(session);
  return m ? Number(m[1]) : null;
}

/** Session of an nft table name, or null when the table is not fwtrace's. */
export function sessionOfTable(name: string): string | null {
  return name.startsWith(TABLE_PREFIX) && SESSION.test(name.slice(TABLE_PREFIX.length))
    ? name.slice(TABLE_PREFIX.length)
    : null;
}

/** Session of an iptables comment, or null. */
export function sessionOfComment(comment: string): string | null {
  return comment.startsWith(COMMENT_PREFIX) && SESSION.test(comment.slice(COMMENT_PREFIX.length))
    ? comment.slice(COMMENT_PREFIX.length)
    : null;
}
