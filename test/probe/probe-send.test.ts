// What sends the probe: this process (TCP/UDP from the host), the sender under `ip netns exec` (shown,
// not run here), ping for ICMP (run on loopback only).
import { existsSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../src/model/probe.js';
import { probeCommand, senderMissing, sendProbe } from '../../src/sys/probe-send.js';

const spec = (extra: Partial<ProbeSpec>): ProbeSpec => ({
  proto: 'tcp',
  ipVersion: 4,
  dst: '127.0.0.1',
  dport: 1,
  src: null,
  sport: null,
  ...extra,
});

const HAS_PING = (process.env['PATH'] ?? '/usr/bin:/bin').split(':').some((d) => d !== '' && existsSync(`${d}/ping`));
if (!HAS_PING) console.warn('ICMP probe test skipped: ping is not installed (apt-get install iputils-ping)');

describe('probeCommand', () => {
  it('TCP/UDP from the host: none, fwtrace sends it itself', () => {
    expect(probeCommand(spec({}), null)).toBeNull();
  });

  it('TCP/UDP from a namespace: the sender with its JSON argument, under ip netns exec', () => {
    const cmd = probeCommand(spec({ proto: 'udp', dst: '10.0.0.5', dport: 53 }), 'client', '/x/fwtrace.js');
    expect(cmd).toEqual({
      argv: [
        process.execPath,
        '/x/fwtrace.js',
        '__probe-send',
        '{"proto":"udp","dst":"10.0.0.5","dport":53,"src":null,"sport":null,"waitMs":500}',
      ],
      netns: 'client',
    });
  });

  it('ICMP: ping, wherever it is sent from', () => {
    const cmd = probeCommand(spec({ proto: 'icmpv6', ipVersion: 6, dst: 'fd00::5', dport: null }), 'ns1');
    expect(cmd).toEqual({ argv: ['ping', '-6', '-c', '1', '-W', '1', '-n', 'fd00::5'], netns: 'ns1' });
  });
});

describe('senderMissing', () => {
  it('only a TCP/UDP probe from a namespace needs the sender (this CLI, run inside it)', () => {
    expect(senderMissing(spec({}), 'ns1', '/nonexistent/fwtrace.js')).toBe(true);
    expect(senderMissing(spec({}), null, '/nonexistent/fwtrace.js')).toBe(false);
    expect(senderMissing(spec({ proto: 'icmp', dport: null }), 'ns1', '/nonexistent/fwtrace.js')).toBe(false);
  });
});

describe('sendProbe', () => {
  it('from the host, in-process: the result names the packet', async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const r = await sendProbe(spec({ dport: port }), null);
    server.close();
    expect(r).toMatchObject({
      sent: true,
      proto: 'tcp',
      src: '127.0.0.1',
      dst: '127.0.0.1',
      dport: port,
      from: null,
      answer: 'syn-ack',
      error: null,
    });
  });

  it('from a namespace without the sender file (the single-file build): not sent, and why', async () => {
    const r = await sendProbe(spec({}), 'no-such-netns', '/nonexistent/fwtrace.js');
    expect(r).toMatchObject({ sent: false, from: 'no-such-netns', answer: null });
    expect(r.error).toMatch(/probe sender \/nonexistent\/fwtrace.js is missing$/);
  });

  it.skipIf(!HAS_PING)('ICMP echo to loopback through ping', async () => {
    const r = await sendProbe(spec({ proto: 'icmp', dport: null }), null);
    expect(r).toMatchObject({ sent: true, proto: 'icmp', dst: '127.0.0.1', dport: null, answer: 'echo-reply' });
  });
});
