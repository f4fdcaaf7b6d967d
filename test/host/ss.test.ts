// ss output as recorded in test namespaces (test/fixtures/host/hostchecks): wildcards of each family, the
// dual-stack `*`, v4-mapped binds, device binds, connected UDP sockets, old iproute2 formats; never throws.
import { readFileSync } from 'node:fs';
import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseEndpoint, parseSs } from '../../src/host/ss.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/host/hostchecks/${name}`, import.meta.url), 'utf8');

describe('parseSs: ss -Hlnt', () => {
  const { sockets, unparsed } = parseSs(fixture('ss-tcp-listen.txt'), 'tcp');

  it('reads every listener', () => {
    expect(unparsed).toBe(0);
    expect(sockets).toHaveLength(9);
    expect(sockets.every((s) => s.state === 'LISTEN' && s.proto === 'tcp')).toBe(true);
  });

  it('tells the v4 wildcard, the v6-only wildcard and the dual-stack `*` apart', () => {
    const on = (port: number) => sockets.filter((s) => s.local.port === port).map((s) => s.local);
    expect(on(22)).toEqual([
      { addr: null, family: 4, port: 22, dev: null },
      { addr: null, family: 6, port: 22, dev: null },
    ]);
    expect(on(80)).toEqual([{ addr: null, family: 'any', port: 80, dev: null }]);
  });

  it('reads a v4-mapped bind as the IPv4 address, device binds and link-local scopes as devices', () => {
    const local = sockets.map((s) => s.local);
    expect(local).toContainEqual({ addr: '10.78.2.2', family: 4, port: 8080, dev: null });
    expect(local).toContainEqual({ addr: null, family: 4, port: 53, dev: 'lo' });
    expect(local).toContainEqual({ addr: 'fe80::5', family: 6, port: 123, dev: 'hc-s' });
    expect(local).toContainEqual({ addr: '::1', family: 6, port: 631, dev: null });
  });

  it('counts the header line of ss without -H as unparsed, and reads the rest', () => {
    const r = parseSs(fixture('ss-tcp-listen-header.txt'), 'tcp');
    expect(r.unparsed).toBe(1);
    expect(r.sockets).toHaveLength(9);
  });

  it('reads the old iproute2 format: `:::22` and `*:22` count as any family', () => {
    const r = parseSs(fixture('ss-tcp-listen-old.txt'), 'tcp');
    expect(r.unparsed).toBe(1);
    expect(r.sockets.map((s) => s.local)).toEqual([
      { addr: null, family: 'any', port: 22, dev: null },
      { addr: null, family: 'any', port: 22, dev: null },
      { addr: '127.0.0.1', family: 4, port: 25, dev: null },
      { addr: '10.0.0.5', family: 4, port: 8080, dev: null },
    ]);
  });
});

describe('parseSs: ss -Hanu', () => {
  const { sockets, unparsed } = parseSs(fixture('ss-udp-all.txt'), 'udp');

  it('keeps the connected socket with its peer', () => {
    expect(unparsed).toBe(0);
    const estab = sockets.find((s) => s.state === 'ESTAB');
    expect(estab?.local).toMatchObject({ addr: '10.78.2.2', family: 4 });
    expect(estab?.peer).toEqual({ addr: '10.78.2.1', family: 4, port: 9, dev: null });
    expect(sockets.filter((s) => s.state === 'UNCONN')).toHaveLength(4);
  });

  it('reads a wildcard peer as no port', () => {
    expect(sockets.find((s) => s.local.port === 53)?.peer).toEqual({ addr: null, family: 4, port: null, dev: null });
  });

  it('skips a Netid column', () => {
    const r = parseSs('udp   UNCONN 0      0      0.0.0.0:68      0.0.0.0:*\n', 'udp');
    expect(r.sockets[0]?.local.port).toBe(68);
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['0.0.0.0:22', { addr: null, family: 4, port: 22, dev: null }],
    ['[::ffff:0.0.0.0]:22', { addr: null, family: 4, port: 22, dev: null }],
    ['[FD00::1]:22', { addr: 'fd00::1', family: 6, port: 22, dev: null }],
    ['10.0.0.1%eth0.100:53', { addr: '10.0.0.1', family: 4, port: 53, dev: 'eth0.100' }],
  ])('%s', (word, want) => {
    expect(parseEndpoint(word)).toEqual(want);
  });

  it.each(['', ':', 'foo:22', '10.0.0.1:99999', '10.0.0.1:x', '[::1]'])('rejects %j', (word) => {
    expect(parseEndpoint(word)).toBeNull();
  });
});

prop.prop([fc.string({ maxLength: 300 })])('parseSs never throws', (text) => {
  const r = parseSs(text, 'tcp');
  expect(r.sockets.length + r.unparsed).toBeLessThanOrEqual(text.split('\n').length);
});
