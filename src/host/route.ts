// The kernel's routing answer for a packet: the `ip -j route get` argv (input lookup as the kernel does it
// for a packet arriving on IIF, or an output lookup), and its output or error turned into data. Pure; no I/O.
//
// Measured on Linux 6.18 / iproute2 6.1 (test/fixtures/host/hostchecks/route-get.json):
//   forwarding off (IPv4, any non-local dst)   RTNETLINK answers: No route to host      EHOSTUNREACH
//   no route (forwarding on)                   RTNETLINK answers: Network is unreachable ENETUNREACH
//   `unreachable` route                        RTNETLINK answers: No route to host      EHOSTUNREACH
//   `prohibit` route                           RTNETLINK answers: Permission denied     EACCES
//   `blackhole` route                          RTNETLINK answers: Invalid argument      EINVAL
//   rp_filter, martian or local source         RTNETLINK answers: Invalid argument      EINVAL (EXDEV,
//                                              "Invalid cross-device link", for rp_filter before 6.13)
//   IPv6 with forwarding off                   a normal route: IPv6 checks forwarding after the lookup

export interface RouteQuery {
  readonly version: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly iif: string;
  readonly mark: number | null;
}

export type RouteErrno = 'EXDEV' | 'EINVAL' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EACCES' | 'OTHER';

export type RouteAnswer =
  /** `type`: unicast, local, broadcast, multicast, ... */
  | {
      readonly kind: 'route';
      readonly type: string;
      readonly dev: string | null;
      readonly gateway: string | null;
    }
  /** The kernel refused the lookup; `message` is its words (`No route to host`). */
  | { readonly kind: 'error'; readonly errno: RouteErrno; readonly message: string }
  /** fwtrace could not ask (no such interface here, no `ip`, a timeout, output it cannot read). */
  | { readonly kind: 'unknown'; readonly message: string };

const ERRNO: readonly (readonly [string, RouteErrno])[] = [
  ['Invalid cross-device link', 'EXDEV'],
  ['Invalid argument', 'EINVAL'],
  ['No route to host', 'EHOSTUNREACH'],
  ['Network is unreachable', 'ENETUNREACH'],
  ['Permission denied', 'EACCES'],
];

/** `ip -j -4 route get DST from SRC iif IIF [mark M]`: the input route lookup of a packet that came in on IIF. */
export function inputRouteArgv(q: RouteQuery): string[] {
  const argv = ['ip', '-j', `-${q.version}`, 'route', 'get', q.dst, 'from', q.src, 'iif', q.iif];
  if (q.mark !== null && q.mark !== 0) argv.push('mark', String(q.mark));
  return argv;
}

/** `ip -j -4 route get DST [mark M]`: where this host itself would send a packet to DST. */
export function outputRouteArgv(version: 4 | 6, dst: string, mark: number | null): string[] {
  const argv = ['ip', '-j', `-${version}`, 'route', 'get', dst];
  if (mark !== null && mark !== 0) argv.push('mark', String(mark));
  return argv;
}

/** One cache key per lookup. */
export function routeKey(q: RouteQuery): string {
  return `${q.src}\u0000${q.dst}\u0000${q.iif}\u0000${q.mark ?? 0}`;
}

/** The answer from a finished `ip -j route get`; never throws. */
export function parseRouteGet(r: {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}): RouteAnswer {
  if (r.ok) return parseRoute(r.stdout);
  const line =
    r.stderr
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  const kernel = /^(?:RTNETLINK answers|Error):\s*(.*?)\.?$/.exec(line);
  if (!kernel) return { kind: 'unknown', message: line || 'ip route get failed' };
  const message = kernel[1]!;
  const errno = ERRNO.find(([text]) => message.startsWith(text))?.[1] ?? 'OTHER';
  return { kind: 'error', errno, message };
}

function parseRoute(stdout: string): RouteAnswer {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    return { kind: 'unknown', message: 'unreadable ip route get output' };
  }
  const first: unknown = Array.isArray(data) ? data[0] : undefined;
  if (typeof first !== 'object' || first === null) return { kind: 'unknown', message: 'empty ip route get output' };
  const r = first as Record<string, unknown>;
  const str = (k: string): string | null => (typeof r[k] === 'string' && r[k] !== '' ? r[k] : null);
  return { kind: 'route', type: str('type') ?? 'unicast', dev: str('dev'), gateway: str('gateway') };
}
