// The in-process sender on loopback only: a SYN to a listener and to a closed port, a datagram that
// arrives with its payload, a source that is not ours (nothing sent), a fixed source port.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSocketProbe, UDP_PAYLOAD } from '../../src/sys/probe-socket.js';

let server: net.Server;
let listening = 0;
const accepted: net.Socket[] = [];

beforeAll(async () => {
  server = net.createServer((s) => {
    s.on('error', () => undefined);
    accepted.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  listening = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const s of accepted) s.destroy();
  await new Promise((r) => server.close(r));
});

/** A loopback port nothing listens on (bound then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const tcp = { proto: 'tcp' as const, dst: '127.0.0.1', src: null, sport: null, waitMs: 500 };

describe('sendSocketProbe: TCP', () => {
  it('a listener answers SYN/ACK; the source is what the kernel picked', async () => {
    const r = await sendSocketProbe({ ...tcp, dport: listening });
    expect(r).toMatchObject({ sent: true, src: '127.0.0.1', answer: 'syn-ack', error: null });
    expect(r.sport).toBeGreaterThan(0);
  });

  it('a closed port refuses (RST): sent, no error', async () => {
    expect(await sendSocketProbe({ ...tcp, dport: await closedPort() })).toMatchObject({
      sent: true,
      src: '127.0.0.1',
      answer: 'refused',
      error: null,
    });
  });

  it('binds the source address and port the filter names', async () => {
    const sport = await closedPort();
    const r = await sendSocketProbe({ ...tcp, dport: listening, src: '127.0.0.3', sport });
    expect(r).toMatchObject({ sent: true, src: '127.0.0.3', sport, answer: 'syn-ack' });
  });

  it('a source that is not ours: nothing is sent, and it says why', async () => {
    const r = await sendSocketProbe({ ...tcp, dport: listening, src: '192.0.2.77' });
    expect(r).toEqual({
      sent: false,
      src: null,
      sport: null,
      answer: null,
      error: 'bind EADDRNOTAVAIL (the source address is not an address here)',
    });
  });
});

describe('sendSocketProbe: UDP', () => {
  it('one datagram with the payload, from the source it reports', async () => {
    const rx = dgram.createSocket('udp4');
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
    const got = new Promise<[string, number]>((r) => rx.once('message', (m, info) => r([m.toString(), info.port])));
    const r = await sendSocketProbe({
      proto: 'udp',
      dst: '127.0.0.1',
      dport: rx.address().port,
      src: null,
      sport: null,
      waitMs: 0,
    });
    expect(r).toMatchObject({ sent: true, src: '127.0.0.1', answer: null, error: null });
    expect(await got).toEqual([UDP_PAYLOAD, r.sport]);
    rx.close();
  });

  it('a source that is not ours: not sent', async () => {
    const r = await sendSocketProbe({
      proto: 'udp',
      dst: '127.0.0.1',
      dport: 9,
      src: '192.0.2.77',
      sport: null,
      waitMs: 0,
    });
    expect(r).toMatchObject({ sent: false, error: expect.stringContaining('EADDRNOTAVAIL') as unknown });
  });
});
