// `ip -d -j addr show` as recorded on the test router: local addresses, bridge ports, kinds; never throws.
import { readFileSync } from 'node:fs';
import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseIpAddr } from '../../src/host/addr.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/host/hostchecks/${name}`, import.meta.url), 'utf8');

describe('parseIpAddr', () => {
  const ifs = parseIpAddr(fixture('ip-addr-router.json'))!;

  it('reads each interface with its addresses', () => {
    expect(ifs.map((i) => i.name)).toEqual(['lo', 'hc-rc', 'hc-rs', 'hc-br', 'hc-p2', 'hc-p1']);
    const rc = ifs.find((i) => i.name === 'hc-rc')!;
    expect(rc.up).toBe(true);
    expect(rc.kind).toBe('veth');
    expect(rc.addrs.slice(0, 2)).toEqual([
      { family: 4, local: '10.78.1.1', prefixlen: 24 },
      { family: 6, local: 'fd78:1::1', prefixlen: 64 },
    ]);
  });

  it('knows the bridge port and its bridge', () => {
    const port = ifs.find((i) => i.name === 'hc-p1')!;
    expect(port).toMatchObject({ bridgePort: true, master: 'hc-br' });
    expect(ifs.find((i) => i.name === 'hc-br')).toMatchObject({ kind: 'bridge', bridgePort: false, master: null });
    expect(ifs.filter((i) => i.bridgePort).map((i) => i.name)).toEqual(['hc-p1']);
  });

  it('knows a down loopback', () => {
    expect(ifs[0]).toMatchObject({ name: 'lo', up: false, addrs: [] });
  });

  it('reads the server with lo up', () => {
    const server = parseIpAddr(fixture('ip-addr-server.json'))!;
    expect(server.flatMap((i) => i.addrs.map((a) => a.local))).toEqual(
      expect.arrayContaining(['127.0.0.1', '::1', '10.78.2.2', 'fd78:2::2', 'fe80::5']),
    );
  });

  it.each(['', 'null', '{}', '[1, {"ifname": 3}]', 'not json'])('gives null or nothing for %j', (text) => {
    const r = parseIpAddr(text);
    expect(r === null || r.length === 0).toBe(true);
  });
});

prop.prop([fc.json()])('parseIpAddr never throws', (text) => {
  parseIpAddr(text);
});
