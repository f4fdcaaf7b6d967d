import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatFlowError, parseFlow } from '../../src/flow/parse-flow.js';
import { flowToIptables } from '../../src/flow/to-iptables.js';
import { flowToNft, nftRuleText } from '../../src/flow/to-nft.js';
import type { FlowError } from '../../src/model/flow.js';

/** Nothing a shell, nft's parser or a terminal would interpret. */
const UNSAFE = /[\s"'`;$\\|&()<>#~^?[\]\p{Cc}]/u;

const HOSTILE = [
  '"; rm -rf /"',
  '; rm -rf /',
  '$(reboot)',
  '`reboot`',
  'host 10.0.0.1; ls',
  '10.0.0.1; ls',
  'tcp && $(id)',
  'tcp | sh',
  'tcp & disown',
  'tcp\nflush ruleset',
  'tcp\r\n',
  'port 22 # comment',
  "host '10.0.0.1'",
  'host "10.0.0.1"',
  'host 010.1.1.1',
  'port 65536',
  'port -1',
  'portrange 20-10',
  'tcp > /etc/passwd',
  'tcp\u0000',
  '\u001b[2J',
  'tcp\u202e',
  'hôst 1.2.3.4',
  '()',
  '(',
  ')',
  '((tcp)',
  '(tcp))',
  '!',
  '&&',
  '||',
  'tcp and',
  'or tcp',
  'host ${IFS}',
  'net 10.0.0.0/8{,}',
  'port {22,80}',
  'host *',
  'host 1.2.3.4/32,5.6.7.8',
];

function checkError(filter: string, err: FlowError): void {
  expect(err.source).toBe('filter');
  expect(err.position).toBeGreaterThanOrEqual(0);
  expect(err.position).toBeLessThanOrEqual(filter.length);
  expect(filter.startsWith(err.token, err.position)).toBe(true);
  expect(err.message).toMatch(/^bad filter at column \d+: /);
  expect(err.message).not.toMatch(/[\p{Cc}\u202e]/u);
  const shown = formatFlowError(filter, err).split('\n');
  expect(shown).toHaveLength(2);
  expect(shown[1]?.trim()).toBe('^');
}

describe('hostile filters', () => {
  it.each(HOSTILE)('%j is refused with a position', (filter) => {
    const r = parseFlow(filter);
    expect(r.ok).toBe(false);
    if (!r.ok) checkError(filter, r.error);
  });

  it.each(['eth0;ls', 'a/b', 'abcdefghijklmnop', '..', '.', 'eth0 ', '$(id)', '`id`', 'ethé', 'eth"0', 'eth0\n', ''])(
    'interface %j is refused',
    (name) => {
      for (const opts of [{ iif: name }, { oif: name }]) {
        const r = parseFlow('', opts);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.position).toBeGreaterThanOrEqual(0);
          expect(r.error.position).toBeLessThanOrEqual(name.length);
          expect(formatFlowError('', r.error).split('\n')[1]?.trim()).toBe('^');
        }
      }
    },
  );
});

/** Pieces of real filters and of attacks, so generated strings get deep into the parser. */
const FRAGMENT = fc.constantFrom(
  'ip',
  'ip6',
  'tcp',
  'udp',
  'icmp',
  'icmp6',
  'src',
  'dst',
  'host',
  'net',
  'port',
  'portrange',
  'and',
  'or',
  'not',
  '!',
  '&&',
  '||',
  '(',
  ')',
  '10.0.0.1',
  '10.0.0.0/8',
  '2001:db8::1',
  'fe80::/10',
  '::ffff:1.2.3.4',
  '22',
  'ssh',
  '0',
  '65535',
  '1000-2000',
  '0-65535',
  '0.0.0.0/0',
  '::/0',
  ';',
  '$',
  '`',
  '"',
  "'",
  '|',
  '&',
  '\n',
  '\u0000',
  'é',
  '%eth0',
  '/33',
  '010',
  '-',
  '+',
  '*',
  '{',
  '}',
  ',',
  '=',
  '!=',
);

const filterArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc
    .array(fc.tuple(FRAGMENT, fc.constantFrom(' ', '', '\t', '  ')), { maxLength: 14 })
    .map((parts) => parts.map(([f, sep]) => f + sep).join('')),
);

const ifaceArb = fc.option(
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.stringMatching(/^[a-z0-9.+_-]{0,17}$/),
    fc.constantFrom('eth0', 'eth+', 'lo', 'br-1a2b', 'veth1234567890a', 'wg0.100'),
  ),
  { nil: undefined },
);

describe('never throws, never emits anything unsafe', () => {
  test.prop([filterArb, ifaceArb, ifaceArb], { numRuns: 2000 })('parseFlow and the renderers', (filter, iif, oif) => {
    const opts = { ...(iif === undefined ? {} : { iif }), ...(oif === undefined ? {} : { oif }) };
    const r = parseFlow(filter, opts);
    if (!r.ok) {
      expect(r.error.position).toBeGreaterThanOrEqual(0);
      expect(formatFlowError(filter, r.error).split('\n')).toHaveLength(2);
      if (r.error.source === 'filter') checkError(filter, r.error);
      return;
    }
    for (const name of [r.value.iif, r.value.oif]) if (name !== null) expect(name).toMatch(/^[A-Za-z0-9._-]{1,15}\+?$/);
    const nft = flowToNft(r.value);
    const ipt = flowToIptables(r.value);
    expect(nft.length).toBeGreaterThan(0);
    for (const token of [...nft.flat(), ...ipt.v4.flat(), ...ipt.v6.flat()]) {
      expect(token).not.toBe('');
      expect(token).not.toMatch(UNSAFE);
    }
    // The only quotes in nft text are the ones around interface names.
    for (const t of nft)
      expect(nftRuleText(t).replace(/(?:iif|oif)name "[A-Za-z0-9._*-]+"/g, '')).not.toMatch(/["'`;$]/);
  });
});
