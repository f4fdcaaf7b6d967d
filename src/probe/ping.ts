// ICMP echo probes go through iputils `ping` (Node has no raw sockets): its argv, and what its exit code
// and output say about the one echo request. Pure; no I/O.
import type { ProbeAnswer } from '../model/probe.js';

/** Seconds ping waits for the reply (iputils takes fractions). */
export const PING_WAIT = '1';

/** `ping -4|-6 -c 1 -W 1 -n [-I SRC] DST`: one echo request, numeric output. */
export function pingArgv(ipVersion: 4 | 6, dst: string, src: string | null): string[] {
  return ['ping', `-${ipVersion}`, '-c', '1', '-W', PING_WAIT, '-n', ...(src !== null ? ['-I', src] : []), dst];
}

export interface PingOutcome {
  readonly sent: boolean;
  readonly answer: ProbeAnswer;
  /** One line when something went wrong (not sent, or blocked on the way out); else null. */
  readonly error: string | null;
  /** The source address ping reports (`PING dst (dst) from SRC : …`, only with -I), or null. */
  readonly src: string | null;
}

/**
 * Exit 0: a reply came. Exit 1: the request left but no reply came (or the local firewall refused it on
 * the way out: `sendmsg: Operation not permitted`, which the trace shows). Anything else: not sent.
 */
export function pingOutcome(exitCode: number | null, stdout: string, stderr: string): PingOutcome {
  const from = /^PING \S+ \(\S+\) from (\S+) /m.exec(stdout);
  const src = from?.[1] ?? null;
  const transmitted = /(\d+) packets transmitted/.exec(stdout);
  const left = transmitted !== null && Number(transmitted[1]) > 0;
  const lastErr = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .pop();
  if (exitCode === 0) return { sent: true, answer: 'echo-reply', error: null, src };
  if (/Operation not permitted/.test(stderr))
    return { sent: true, answer: 'none', error: 'refused on the way out by this namespace (EPERM)', src };
  if (exitCode === 1 && left) {
    const unreachable = /Unreachable/i.test(stdout);
    return { sent: true, answer: unreachable ? 'unreachable' : 'none', error: null, src };
  }
  return { sent: false, answer: null, error: lastErr ?? `ping exited with ${exitCode ?? 'a signal'}`, src };
}
