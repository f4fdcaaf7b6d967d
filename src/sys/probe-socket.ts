// Sending a TCP SYN or a UDP datagram from this process (Node has no raw sockets): a connect() that is
// abandoned after a short wait, or one datagram on a connected UDP socket. Never throws; the result says
// what left and what came back. Used in-process (probe from the host) and by the sender (`fwtrace __probe-send`, src/app/probe-sender.ts).
import dgram from 'node:dgram';
import net from 'node:net';
import type { ProbeAnswer } from '../model/probe.js';
import type { SocketProbe } from '../probe/sender-protocol.js';

export const UDP_PAYLOAD = 'fwtrace probe';

export interface SocketResult {
  readonly sent: boolean;
  readonly src: string | null;
  readonly sport: number | null;
  readonly answer: ProbeAnswer;
  readonly error: string | null;
}

export function sendSocketProbe(p: SocketProbe): Promise<SocketResult> {
  return p.proto === 'tcp' ? sendSyn(p) : sendDatagram(p);
}

const PLAIN: Record<string, string> = {
  ENETUNREACH: 'no route to the destination',
  EADDRNOTAVAIL: 'the source address is not an address here',
  EADDRINUSE: 'the source port is in use',
  EPERM: 'refused on the way out by this namespace',
  EACCES: 'not permitted',
};

const errText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  if (!err.code) return String(e);
  const plain = PLAIN[err.code];
  return `${err.syscall ?? 'socket'} ${err.code}${plain ? ` (${plain})` : ''}`;
};

/** After the SYN: a listener (SYN/ACK), a refusal (RST or ICMP port unreachable), ICMP unreachable, or silence. */
function answerOf(code: string | undefined): ProbeAnswer {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  return 'none';
}

function sendSyn(p: SocketProbe): Promise<SocketResult> {
  return new Promise((resolve) => {
    let local: { src: string; sport: number } | null = null;
    let settled = false;
    const sock = new net.Socket();
    const finish = (answer: ProbeAnswer, error: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Connected: RST rather than FIN, nothing of it lingers. Still connecting: closing a SYN_SENT socket
      // sends nothing (resetAndDestroy would wait for a connection that may never come).
      if (answer === 'syn-ack') sock.resetAndDestroy();
      else sock.destroy();
      // No local port: connect() itself failed (bind, no route): the SYN never left.
      if (local === null) resolve({ sent: false, src: null, sport: null, answer: null, error: error ?? 'not sent' });
      // An answer that says it all needs no error text (a refusal is an answer, not a failure).
      else resolve({ sent: true, ...local, answer, error: answer === 'none' ? error : null });
    };
    const timer = setTimeout(() => finish('none', null), p.waitMs);
    sock.on('connect', () => finish('syn-ack', null));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(answerOf(e.code), errText(e)));
    sock.connect({
      host: p.dst,
      port: p.dport,
      family: p.dst.includes(':') ? 6 : 4,
      ...(p.src !== null ? { localAddress: p.src } : {}),
      ...(p.sport !== null ? { localPort: p.sport } : {}),
    });
    // net connects to an address literal on the next tick; this tick follows it: connect() has been
    // called, and when it did not fail at once, the SYN is out and the socket has its local address.
    process.nextTick(() => {
      if (typeof sock.localPort === 'number' && sock.localAddress !== undefined)
        local = { src: sock.localAddress, sport: sock.localPort };
    });
  });
}

function sendDatagram(p: SocketProbe): Promise<SocketResult> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(p.dst.includes(':') ? 'udp6' : 'udp4');
    let local: { src: string; sport: number } | null = null;
    let settled = false;
    const finish = (sent: boolean, error: string | null): void => {
      if (settled) return;
      settled = true;
      try {
        sock.close();
      } catch {
        // Already closed.
      }
      resolve({ sent, src: local?.src ?? null, sport: local?.sport ?? null, answer: null, error });
    };
    sock.on('error', (e) => finish(false, errText(e)));
    const send = (err?: Error): void => {
      if (err) return finish(false, errText(err));
      try {
        const a = sock.address();
        local = { src: a.address, sport: a.port };
        sock.send(UDP_PAYLOAD, (e) => {
          // EPERM: this namespace's firewall dropped it on the way out, after the trace saw it.
          if (e && (e as NodeJS.ErrnoException).code === 'EPERM') finish(true, errText(e));
          else finish(!e, e ? errText(e) : null);
        });
      } catch (e) {
        finish(false, errText(e));
      }
    };
    const connect = (): void => sock.connect(p.dport, p.dst, send);
    if (p.src !== null || p.sport !== null)
      sock.bind({ ...(p.src !== null ? { address: p.src } : {}), port: p.sport ?? 0 }, connect);
    else connect();
  });
}
