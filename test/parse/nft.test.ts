// parseNftLine: rule/return/policy/conntrack records (plain, -a), diagnostics and non-trace lines.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import { parseNftLine } from '../../src/parse/nft.js';
import { onlyEvent } from './fixtures.js';

const H = 'trace id 12db76e2 ip nat KUBE-SERVICES ';
const head = { source: 'nft', traceId: '12db76e2', family: 'ip', table: 'nat', chain: 'KUBE-SERVICES' } as const;
const ev = (line: string): TraceEvent => onlyEvent(parseNftLine(line));

describe('nft rule records', () => {
  it.each<[string, string, Partial<TraceEvent>]>([
    [
      'plain, with nft double spaces kept',
      H +
        'rule meta l4proto tcp ip daddr 10.96.0.10  tcp dport 80 counter packets 0 bytes 0 jump KUBE-SVC-X (verdict jump KUBE-SVC-X)',
      {
        handle: null,
        text: 'meta l4proto tcp ip daddr 10.96.0.10  tcp dport 80 counter packets 0 bytes 0 jump KUBE-SVC-X',
        verdict: 'jump',
        target: 'KUBE-SVC-X',
      },
    ],
    [
      '-a handle is split off the text',
      H +
        'rule meta l4proto 6 ip daddr 10.96.0.10  tcp dport 80 counter packets 0 bytes 0 jump KUBE-SVC-X # handle 20 (verdict jump KUBE-SVC-X)',
      {
        handle: 20,
        text: 'meta l4proto 6 ip daddr 10.96.0.10  tcp dport 80 counter packets 0 bytes 0 jump KUBE-SVC-X',
        target: 'KUBE-SVC-X',
      },
    ],
    [
      'leading space of iptables-nft text kept',
      H + 'rule  counter packets 0 bytes 0 jump X (verdict jump X)',
      { text: ' counter packets 0 bytes 0 jump X', target: 'X' },
    ],
    [
      'trailing spaces trimmed',
      H + 'rule counter accept   (verdict accept)',
      { text: 'counter accept', verdict: 'accept', target: null },
    ],
    [
      'goto',
      H + 'rule ip daddr 10.66.2.0/24 goto rsh_sub2 (verdict goto rsh_sub2)',
      { verdict: 'goto', target: 'rsh_sub2' },
    ],
    [
      'return',
      H + 'rule counter packets 0 bytes 0 return # handle 16 (verdict return)',
      { verdict: 'return', handle: 16 },
    ],
    ['reject shows as drop', H + 'rule counter packets 0 bytes 0 reject (verdict drop)', { verdict: 'drop' }],
    ['queue', H + 'rule queue num 3 (verdict queue)', { verdict: 'queue' }],
    ['unknown verdict value', H + 'rule counter (verdict unknown verdict value 17)', { verdict: 'unknown' }],
    [
      '"(verdict" inside a comment',
      H + 'rule comment "x (verdict y)" accept (verdict accept)',
      { text: 'comment "x (verdict y)" accept', verdict: 'accept' },
    ],
    [
      '"# handle" inside a comment is text',
      H + 'rule comment "# handle 9 x" drop (verdict drop)',
      { handle: null, text: 'comment "# handle 9 x" drop' },
    ],
    ['empty rule text', H + 'rule (verdict continue)', { text: '', verdict: 'continue' }],
    [
      'unknown rule handle',
      H + 'unknown rule handle 11 (verdict continue)',
      { handle: 11, text: null, verdict: 'continue' },
    ],
    [
      'unknown rule handle with jump',
      H + 'unknown rule handle 3 (verdict jump FOO)',
      { handle: 3, text: null, verdict: 'jump', target: 'FOO' },
    ],
  ])('%s', (_name, line, want) => {
    const e = ev(line);
    expect(e).toMatchObject({ kind: 'rule', ...head, handle: null, target: null, ...want });
    expect(Object.keys(e).sort()).toEqual([
      'chain',
      'family',
      'handle',
      'kind',
      'source',
      'table',
      'target',
      'text',
      'traceId',
      'verdict',
    ]);
  });

  it('chain names with "/" (kube-proxy nftables mode) are one header field', () => {
    const e = ev(
      'trace id 0000abcd ip kube-proxy service-P6J77WGM-riset/hellopod-np-svc/tcp/ rule ip daddr 10.43.0.1 (verdict accept)',
    );
    expect(e).toMatchObject({
      family: 'ip',
      table: 'kube-proxy',
      chain: 'service-P6J77WGM-riset/hellopod-np-svc/tcp/',
    });
  });

  it.each(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] as const)('family %s', (family) => {
    expect(ev(`trace id 0000abcd ${family} t c policy accept `)).toMatchObject({ kind: 'policy', family });
  });
});

describe('nft return, policy, conntrack records', () => {
  it.each<[string, Partial<TraceEvent>]>([
    ['verdict continue ', { kind: 'return', verdict: 'continue', target: null }],
    ['verdict return ', { kind: 'return', verdict: 'return', target: null }],
    ['verdict return meta mark 0x00000001 ', { kind: 'return', verdict: 'return' }],
    ['verdict drop ', { kind: 'return', verdict: 'drop' }], // nft <= 0.9.0 printed the policy this way
    ['policy accept ', { kind: 'policy', verdict: 'accept' }],
    ['policy drop ', { kind: 'policy', verdict: 'drop' }],
    ['policy accept meta mark 0x00004000 ', { kind: 'policy', verdict: 'accept' }],
  ])('%s', (body, want) => {
    expect(ev(H + body)).toEqual({ ...head, ...want, ...(want.kind === 'return' ? { target: null } : {}) });
  });

  it('an empty body (nft <= 0.9.0 policy) is a policy with unknown verdict', () => {
    expect(ev('trace id 42b54e71 inet filter input')).toEqual({
      kind: 'policy',
      source: 'nft',
      traceId: '42b54e71',
      family: 'inet',
      table: 'filter',
      chain: 'input',
      verdict: 'unknown',
    });
    expect(ev('trace id 42b54e71 inet filter input ')).toMatchObject({ kind: 'policy', verdict: 'unknown' });
  });

  it.each<[string, Partial<TraceEvent>]>([
    [
      'conntrack: ct direction original ct state new ct id 2641368242',
      { direction: 'original', state: 'new', status: [], ctId: 2641368242 },
    ],
    [
      'conntrack: ct direction reply ct state established ct status snat-done,dnat-done ct id 7 ',
      { direction: 'reply', state: 'established', status: ['snat-done', 'dnat-done'], ctId: 7 },
    ],
    ['conntrack: ct state untracked', { direction: null, state: 'untracked', status: [], ctId: null }],
  ])('%s', (body, want) => {
    expect(ev('trace id 00000020 ip t PRE_MANGLE ' + body)).toEqual({
      kind: 'conntrack',
      source: 'nft',
      traceId: '00000020',
      family: 'ip',
      table: 't',
      chain: 'PRE_MANGLE',
      ...want,
    });
  });
});

describe('nft diagnostics and non-trace lines', () => {
  it('lost events become a lost event', () => {
    const line = '# ERROR: We lost some netlink events!';
    expect(parseNftLine(line)).toEqual({
      kind: 'events',
      dialect: 'nft',
      events: [{ kind: 'lost', source: 'nft', count: 1, text: line }],
    });
  });

  it.each<[string, unknown]>([
    [
      '# ERROR: something else broke',
      {
        kind: 'events',
        dialect: 'nft',
        events: [{ kind: 'reader-error', source: 'nft', text: '# ERROR: something else broke' }],
      },
    ],
    [
      'Error: Could not process rule: No such file or directory',
      {
        kind: 'events',
        dialect: 'nft',
        events: [
          { kind: 'reader-error', source: 'nft', text: 'Error: Could not process rule: No such file or directory' },
        ],
      },
    ],
    ['# Cannot set up netlink socket buffer size to 4194304 bytes', { kind: 'ignored', reason: 'comment' }],
    ['# new generation 9 by process 25899 (nft)', { kind: 'ignored', reason: 'nft ruleset generation event' }],
    ['# source: lab', { kind: 'ignored', reason: 'comment' }],
    [
      'insert rule inet rshfw rsh_fwd ip protocol icmp counter packets 0 bytes 0',
      { kind: 'ignored', reason: 'nft ruleset event' },
    ],
    ['add table ip filter', { kind: 'ignored', reason: 'nft ruleset event' }],
    ['delete rule ip filter INPUT handle 4', { kind: 'ignored', reason: 'nft ruleset event' }],
    ['{"add": {"rule": {"family": "inet", "table": "t"}}}', { kind: 'ignored', reason: 'nft -j monitor JSON event' }],
    ['', { kind: 'ignored', reason: 'blank line' }],
    ['   ', { kind: 'ignored', reason: 'blank line' }],
  ])('%j', (line, want) => {
    expect(parseNftLine(line)).toEqual(want);
  });

  it.each<[string, RegExp]>([
    ['PACKET: 2 12db76e2 IN=rshr0 ', /not a "trace id" line/],
    ['trace id 12db76e2', /truncated trace header/],
    ['trace id 12db76e2 ip raw', /truncated trace header/],
    ['trace id zz ip raw PREROUTING policy accept ', /not hex/],
    ['trace id 12db76e2 decnet raw PREROUTING policy accept ', /unknown family "decnet"/],
    ['trace id 12db76e2 ip raw PREROUTING rule counter packets 0 bytes 0 meta nftr', /without "\(verdict/],
    ['trace id 12db76e2 ip raw PREROUTING unknown rule handle x (verdict accept)', /malformed/],
    ['trace id 12db76e2 ip raw PREROUTING bogus body', /unknown trace record/],
  ])('unparsed: %j', (line, reason) => {
    const o = parseNftLine(line);
    expect(o.kind).toBe('unparsed');
    if (o.kind === 'unparsed') {
      expect(o.reason).toMatch(reason);
      expect(o.reason).toMatch(/^nft: /);
      expect(o.line).toBe(line);
    }
  });
});
