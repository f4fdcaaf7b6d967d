import { describe, expect, it } from 'vitest';
import type { FlowExpr } from '../../src/model/flow.js';
import { formatFlowError, MAX_FILTER_LENGTH } from '../../src/flow/parse-flow.js';
import { failure, show, spec } from './helpers.js';

function primitive(filter: string): Extract<FlowExpr, { kind: 'primitive' }> {
  const e = spec(filter).expr;
  if (e?.kind !== 'primitive') throw new Error(`${filter} is not one primitive`);
  return e;
}

describe('parseFlow: precedence and shape', () => {
  it.each([
    ['tcp', 'tcp'],
    ['tcp or udp and icmp', '(tcp or (udp and icmp))'],
    ['tcp and udp or icmp', '((tcp and udp) or icmp)'],
    ['not tcp and udp', '(not tcp and udp)'],
    ['! tcp && (udp || icmp)', '(not tcp and (udp or icmp))'],
    ['tcp or udp or icmp', '((tcp or udp) or icmp)'],
    ['tcp and port 22 and host ::1', '((tcp and port 22) and host ::1)'],
    ['not not tcp', 'not not tcp'],
    ['!(tcp)', 'not tcp'],
    ['((tcp))', 'tcp'],
    ['tcp&&udp||!icmp', '((tcp and udp) or not icmp)'],
    ['tcp dst port 22', 'tcp dst port 22'],
    ['ip6 src net 2001:db8::/32 or ip host 10.0.0.1', '(ip6 src net 2001:db8::/32 or ip host 10.0.0.1)'],
    ['\ttcp  or\t udp ', '(tcp or udp)'],
  ])('%s → %s', (filter, shape) => {
    expect(show(spec(filter).expr)).toBe(shape);
  });

  it('treats an empty or blank filter as "everything"', () => {
    expect(spec('')).toEqual({ expr: null, iif: null, oif: null, text: '' });
    expect(spec('  \t ').expr).toBeNull();
  });

  it('keeps the source position of every token', () => {
    const e = spec('tcp and not src port 22').expr;
    expect(e).toMatchObject({
      kind: 'and',
      op: { text: 'and', position: 4 },
      left: { kind: 'primitive', tokens: [{ text: 'tcp', position: 0 }] },
      right: {
        kind: 'not',
        op: { text: 'not', position: 8 },
        operand: {
          tokens: [
            { text: 'src', position: 12 },
            { text: 'port', position: 16 },
            { text: '22', position: 21 },
          ],
          value: { text: '22', position: 21 },
        },
      },
    });
  });

  it.each([
    ['host 10.0.0.1', { kind: 'host', dir: 'either', cidr: { version: 4, address: '10.0.0.1', prefix: 32 } }],
    [
      'src host 2001:DB8:0:0::1',
      { kind: 'host', dir: 'src', cidr: { version: 6, address: '2001:db8::1', prefix: 128 } },
    ],
    [
      'host ::ffff:1.2.3.4',
      { kind: 'host', dir: 'either', cidr: { version: 6, address: '::ffff:102:304', prefix: 128 } },
    ],
    ['dst net 10.0.0.0/8', { kind: 'net', dir: 'dst', cidr: { version: 4, address: '10.0.0.0', prefix: 8 } }],
    ['net 0.0.0.0/0', { kind: 'net', dir: 'either', cidr: { version: 4, address: '0.0.0.0', prefix: 0 } }],
    ['net 10.1.2.3', { kind: 'net', dir: 'either', cidr: { version: 4, address: '10.1.2.3', prefix: 32 } }],
    ['ip6 net fd00::/8', { kind: 'net', dir: 'either', cidr: { version: 6, address: 'fd00::', prefix: 8 } }],
    ['port 22', { kind: 'port', dir: 'either', proto: null, range: { from: 22, to: 22 } }],
    ['udp src port 0', { kind: 'port', dir: 'src', proto: 'udp', range: { from: 0, to: 0 } }],
    ['port 65535', { kind: 'port', dir: 'either', proto: null, range: { from: 65535, to: 65535 } }],
    ['port ssh', { kind: 'port', dir: 'either', proto: null, range: { from: 22, to: 22 } }],
    ['port postgresql', { kind: 'port', dir: 'either', proto: null, range: { from: 5432, to: 5432 } }],
    ['tcp dst portrange 1000-2000', { kind: 'portrange', dir: 'dst', proto: 'tcp', range: { from: 1000, to: 2000 } }],
    ['portrange http-https', { kind: 'portrange', dir: 'either', proto: null, range: { from: 80, to: 443 } }],
    ['portrange 22-22', { kind: 'portrange', dir: 'either', proto: null, range: { from: 22, to: 22 } }],
    ['icmp6', { kind: 'proto', proto: 'icmp6' }],
  ])('%s', (filter, match) => {
    expect(primitive(filter).match).toEqual(match);
  });

  it('keeps interfaces as given, with the + wildcard', () => {
    expect(spec('tcp', { iif: 'eth0', oif: 'br-1a2b.100' })).toMatchObject({ iif: 'eth0', oif: 'br-1a2b.100' });
    expect(spec('', { iif: 'veth+' }).iif).toBe('veth+');
    expect(spec('', { iif: 'abcdefghijklmno' }).iif).toBe('abcdefghijklmno');
    expect(spec('', { oif: 'abcdefghijklmno+' }).oif).toBe('abcdefghijklmno+');
  });
});

/** [filter, position of the error, the offending token, a piece of the message]. */
const BAD_FILTERS: readonly (readonly [string, number, string, string])[] = [
  ['host 10.0.0.256', 5, '10.0.0.256', '"10.0.0.256" is not an IPv4 address'],
  ['host 010.1.1.1', 5, '010.1.1.1', 'leading zeros'],
  ['host 1', 5, '1', 'is not an IPv4 address'],
  ['host 1.2.3', 5, '1.2.3', 'is not an IPv4 address'],
  ['host 0x7f.1', 5, '0x7f.1', 'is not an IPv4 or IPv6 address'],
  ['host 1.2.3.4.5', 5, '1.2.3.4.5', 'is not an IPv4 address'],
  ['host example.com', 5, 'example.com', 'host names are not resolved'],
  ['host fe80::1%eth0', 5, 'fe80::1%eth0', 'zone ids'],
  ['host 1::2::3', 5, '1::2::3', 'is not an IPv6 address'],
  ['host ::ffff:010.1.1.1', 5, '::ffff:010.1.1.1', 'is not an IPv6 address'],
  ['host 10.0.0.0/8', 5, '10.0.0.0/8', 'use "net 10.0.0.0/8"'],
  ['net 10.1.2.3/8', 4, '10.1.2.3/8', 'host bits set; did you mean "10.0.0.0/8"?'],
  ['net 2001:db8::1/32', 4, '2001:db8::1/32', 'did you mean "2001:db8::/32"?'],
  ['net 10.0.0.0/33', 4, '10.0.0.0/33', 'from 0 to 32'],
  ['net ::/129', 4, '::/129', 'from 0 to 128'],
  ['net 10.0.0.0/08', 4, '10.0.0.0/08', 'from 0 to 32'],
  ['net 10.0.0.0/', 4, '10.0.0.0/', 'from 0 to 32'],
  ['net 10/8', 4, '10/8', 'is not an IPv4 address'],
  ['ip6 host 10.0.0.1', 9, '10.0.0.1', 'is not an IPv6 address'],
  ['ip net ::1', 7, '::1', 'is not an IPv4 address'],
  ['port 65536', 5, '65536', '0 to 65535'],
  ['port -1', 5, '-1', '0 to 65535'],
  ['port 080', 5, '080', 'leading zeros'],
  ['port 0x16', 5, '0x16', 'not a port number or a known service'],
  ['port telnet', 5, 'telnet', 'known service'],
  ['port SSH', 5, 'SSH', 'known service'],
  ['port 22-25', 5, '22-25', 'use "portrange 22-25"'],
  ['portrange 20-10', 10, '20-10', 'the first port is above the last'],
  ['portrange 20', 10, '20', 'not a port range'],
  ['portrange 1-2-3', 10, '1-2-3', 'not a port range'],
  ['portrange -5', 10, '-5', 'not a port range'],
  ['portrange 1-70000', 10, '1-70000', '0 to 65535'],
  ['port +22', 5, '+', 'unexpected character "+"'],
  ['host', 4, '', 'expected an address after "host"'],
  ['port and tcp', 5, 'and', 'expected a port after "port"'],
  ['host tcp', 5, 'tcp', 'expected an address'],
  ['src', 3, '', 'expected host, net, port or portrange after "src"'],
  ['src tcp', 4, 'tcp', 'after "src"'],
  ['tcp src', 7, '', 'after "tcp"'],
  ['tcp host 1.2.3.4', 0, 'tcp', '"tcp" cannot qualify "host"'],
  ['ip port 22', 0, 'ip', '"ip" cannot qualify "port"'],
  ['icmp port 22', 0, 'icmp', '"icmp" cannot qualify "port"'],
  ['tcp udp', 4, 'udp', 'expected "and" or "or" before "udp"'],
  ['host 1.2.3.4 port 22', 13, 'port', 'expected "and" or "or"'],
  ['(tcp udp)', 5, 'udp', 'expected "and", "or" or ")"'],
  ['10.0.0.1', 0, '10.0.0.1', 'needs a keyword: "host 10.0.0.1"'],
  ['10.0.0.0/8', 0, '10.0.0.0/8', 'needs a keyword: "net 10.0.0.0/8"'],
  ['22', 0, '22', 'needs a keyword: "port 22"'],
  ['sctp', 0, 'sctp', 'unknown word "sctp"'],
  ['TCP', 0, 'TCP', 'unknown word'],
  ['tcp AND udp', 4, 'AND', 'expected "and" or "or"'],
  ['tcp and', 7, '', 'the filter ends'],
  ['not', 3, '', 'the filter ends'],
  ['and tcp', 0, 'and', 'expected a primitive, not "and"'],
  ['tcp or or udp', 7, 'or', 'expected a primitive'],
  ['()', 1, ')', 'empty parentheses'],
  ['tcp and ()', 9, ')', 'empty parentheses'],
  ['(tcp', 0, '(', 'never closed'],
  ['((tcp) and udp', 0, '(', 'never closed'],
  ['tcp)', 3, ')', 'unmatched ")"'],
  ['(tcp))', 5, ')', 'unmatched ")"'],
  [')', 0, ')', 'expected a primitive'],
  ['tcp & udp', 4, '&', '"&" is not an operator'],
  ['tcp | udp', 4, '|', '"|" is not an operator'],
  ['tcp &&& udp', 6, '&', '"&" is not an operator'],
  ['tcp\nudp', 3, '\n', 'unexpected character "\\n"'],
  ['tcp\r', 3, '\r', 'unexpected character'],
  ['tcp;', 3, ';', 'unexpected character ";"'],
  ['10.0.0.1; ls', 8, ';', 'unexpected character ";"'],
  ['"; rm -rf /"', 0, '"', 'unexpected quote'],
  ["'tcp'", 0, "'", 'unexpected quote'],
  ['$(reboot)', 0, '$', 'unexpected character "$"'],
  ['host `id`', 5, '`', 'unexpected character "`"'],
  ['tcp > /tmp/x', 4, '>', 'unexpected character ">"'],
  ['hést', 1, 'é', 'unexpected character "é"'],
  ['port 22 🙂', 8, '🙂', 'unexpected character "🙂"'],
  ['tcp\u202eudp', 3, '\u202e', 'unexpected character "\\u202e"'],
  [
    'ip6 and host 10.0.0.1',
    13,
    '10.0.0.1',
    'matches nothing: "ip6" (column 1) and "10.0.0.1" ask for different IP versions',
  ],
  ['icmp and ip6', 9, 'ip6', 'matches nothing'],
  ['icmp6 and host 10.0.0.1', 15, '10.0.0.1', 'matches nothing'],
  ['tcp and udp', 8, 'udp', '"tcp" (column 1) and "udp" need different protocols'],
  ['icmp and port 22', 14, '22', 'need different protocols'],
  ['tcp and not tcp', 12, 'tcp', 'matches nothing'],
  ['not (ip or ip6)', 11, 'ip6', 'matches nothing'],
  ['src host 10.0.0.1 and src host 10.0.0.2', 31, '10.0.0.2', 'do not overlap'],
  ['src net 10.0.0.0/8 and not src net 10.0.0.0/7', 35, '10.0.0.0/7', 'excludes all of "10.0.0.0/8"'],
  ['not net 0.0.0.0/0 and ip', 22, 'ip', 'matches nothing'],
  ['ip6 and not net ::/0', 16, '::/0', 'different IP versions'],
  ['dst port 22 and dst port 23', 25, '23', 'do not overlap'],
  ['not portrange 0-65535 and tcp', 14, '0-65535', 'matches nothing'],
];

describe('parseFlow: refused filters point at the offending token', () => {
  it.each(BAD_FILTERS)('%j at %i', (filter, position, token, detail) => {
    const err = failure(filter);
    expect(err).toMatchObject({ position, token, source: 'filter' });
    expect(err.message).toContain(detail);
    expect(err.message.startsWith(`bad filter at column ${Array.from(filter.slice(0, position)).length + 1}: `)).toBe(
      true,
    );
  });

  it('refuses overlong filters before looking at them', () => {
    const err = failure('tcp or '.repeat(200));
    expect(err).toMatchObject({ position: MAX_FILTER_LENGTH, token: '' });
    expect(err.message).toContain('longer than 1024');
  });
});

/** [iif, position, a piece of the message]. */
const BAD_IFACES: readonly (readonly [string, number, string])[] = [
  ['', 0, 'empty'],
  ['eth0;ls', 4, '";" is not allowed'],
  ['a/b', 1, 'kernel does not allow "/"'],
  ['eth0:1', 4, 'kernel does not allow ":"'],
  ['eth 0', 3, 'kernel does not allow " "'],
  ['eth0\n', 4, 'kernel does not allow "\\n"'],
  ['.', 0, 'not a valid interface name'],
  ['..', 0, 'not a valid interface name'],
  ['..+', 0, 'not a valid interface name'],
  ['abcdefghijklmnop', 15, 'longer than 15'],
  ['abcdefghijklmnop+', 15, 'longer than 15'],
  ['+', 0, 'matches every interface'],
  ['eth+0', 3, 'only allowed at the end'],
  ['eth++', 3, 'only allowed at the end'],
  ['eth*', 3, '"*" is not allowed'],
  ['"eth0"', 0, 'is not allowed'],
  ['$(id)', 0, 'is not allowed'],
  ['ethé', 3, '"é" is not allowed'],
  ['-i', 0, 'cannot start with "-"'],
];

describe('parseFlow: interface names', () => {
  it.each(BAD_IFACES)('--in %j at %i', (name, position, detail) => {
    const err = failure('tcp', { iif: name });
    expect(err).toMatchObject({ position, token: name, source: 'in' });
    expect(err.message).toContain(detail);
    expect(err.message.startsWith(`bad --in interface `)).toBe(true);
  });

  it('checks --out the same way', () => {
    expect(failure('', { oif: 'a/b' })).toMatchObject({ position: 1, source: 'out' });
  });

  it('reports the filter before the interfaces', () => {
    expect(failure('tcp;', { iif: 'a/b' }).source).toBe('filter');
  });
});

describe('formatFlowError', () => {
  it('puts a caret under the offending token', () => {
    const filter = 'tcp and host 10.0.0.256';
    expect(formatFlowError(filter, failure(filter))).toBe(['  tcp and host 10.0.0.256', '               ^'].join('\n'));
  });

  it('counts code points and hides control characters so the caret lines up', () => {
    const filter = 'x\té\nport';
    const err = failure(filter);
    expect(err.position).toBe(2);
    expect(formatFlowError(filter, err)).toBe('  x é?port\n    ^');
  });

  it('shows the interface option for an interface error', () => {
    expect(formatFlowError('tcp', failure('tcp', { iif: 'eth0;ls' }))).toBe('  --in eth0;ls\n           ^');
  });

  it('points past the end when the filter ends too early', () => {
    expect(formatFlowError('port', failure('port'))).toBe('  port\n      ^');
  });
});
