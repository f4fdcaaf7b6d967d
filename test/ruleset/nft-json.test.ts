import { describe, expect, it } from 'vitest';
import type { RuleInfo } from '../../src/model/ruleset.js';
import { parseNftJson, ruleFields } from '../../src/ruleset/nft-json.js';
import { renderExpr } from '../../src/ruleset/nft-json-expr.js';
import { renderStmt } from '../../src/ruleset/nft-json-stmt.js';
import { parseNftText } from '../../src/ruleset/nft-text.js';
import { fixture } from './fixtures.js';

/** Rules nft 1.0.6 printed next to its own JSON for them (generated in a private netns). */
const EXTRA = JSON.parse(fixture('gen-extra-exprs.json')) as { text: string; expr: unknown[] }[];

describe('nft JSON rule rendering matches nft list output', () => {
  it.each(EXTRA.map((e) => [e.text, e.expr] as const))('%s', (text, expr) => {
    expect(ruleFields({ expr }).text).toBe(text.replace(/counter packets \d+ bytes \d+/, 'counter'));
  });

  // The same ruleset listed both ways: every rule must agree in text, action, NAT, counters and shape.
  it.each(['gen-native', 'gen-k3s'])('%s: nft -j and nft -a list agree rule by rule', (name) => {
    const fromJson = parseNftJson(fixture(`${name}.nft.json`));
    const fromText = parseNftText(fixture(`${name}.nft-a.txt`));
    const pick = (r: RuleInfo): unknown => ({ ...r });
    const rules = (s: typeof fromJson): unknown[] => s.chains.flatMap((c) => c.rules.map(pick));
    expect(rules(fromJson).length).toBeGreaterThan(40);
    expect(rules(fromJson)).toEqual(rules(fromText));
    expect(fromJson.chains.map((c) => ({ ...c, rules: [] }))).toEqual(
      fromText.chains.map((c) => ({ ...c, rules: [] })),
    );
  });
});

describe('renderStmt / renderExpr', () => {
  it.each([
    [{ queue: { num: 3, flags: ['bypass'] } }, 'queue flags bypass to 3'],
    [{ queue: null }, 'queue'],
    [{ xt: { type: 'match', name: 'comment' } }, 'xt match "comment"'],
    [{ xt: { type: 'target', name: 'MARK' } }, 'xt target "MARK"'],
    [{ counter: { packets: 1, bytes: 2 } }, 'counter'],
    [{ counter: 'cnt1' }, 'counter name "cnt1"'],
    [{ reject: null }, 'reject'],
    [{ reject: { type: 'icmp', expr: 'port-unreachable' } }, 'reject'],
    [{ reject: { type: 'icmpx', expr: 'admin-prohibited' } }, 'reject with icmpx admin-prohibited'],
    [{ dnat: { addr: '10.0.0.1', port: 80 } }, 'dnat to 10.0.0.1:80'],
    [{ snat: { family: 'ip', addr: { range: ['1.2.3.4', '1.2.3.10'] } } }, 'snat ip to 1.2.3.4-1.2.3.10'],
    [{ masquerade: null }, 'masquerade'],
    [{ redirect: { port: 443 } }, 'redirect to :443'],
    [{ log: { prefix: 'x', group: 2 } }, 'log prefix "x" group 2'],
    [{ limit: { rate: 10, burst: 5, per: 'second' } }, 'limit rate 10/second'],
    [{ mangle: { key: { meta: { key: 'nftrace' } }, value: 1 } }, 'meta nftrace set 1'],
    [{ mangle: { key: { meta: { key: 'mark' } }, value: 16384 } }, 'meta mark set 0x00004000'],
    // A map's values print as what its result is set to (lab 42: marks in hex, as the trace prints them).
    [
      {
        mangle: {
          key: { meta: { key: 'mark' } },
          value: {
            map: {
              key: { numgen: { mode: 'inc', mod: 2, offset: 0 } },
              data: {
                set: [
                  [0, 1],
                  [1, 2],
                ],
              },
            },
          },
        },
      },
      'meta mark set numgen inc mod 2 map { 0 : 0x00000001, 1 : 0x00000002 }',
    ],
    [
      {
        vmap: {
          key: { numgen: { mode: 'random', mod: 2, offset: 0 } },
          data: {
            set: [
              [0, { goto: { target: 'a' } }],
              [1, { drop: null }],
            ],
          },
        },
      },
      'numgen random mod 2 vmap { 0 : goto a, 1 : drop }',
    ],
    [
      { match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] } },
      'ct state established,related',
    ],
    [{ match: { op: '!=', left: { meta: { key: 'iifname' } }, right: 'eth0' } }, 'iifname != "eth0"'],
    // nft lists a raw payload's value in hex as it is, a DSCP without a name in two digits (nft 1.0.6: `@nh,0,8 0x45`,
    // `ip dscp 0x04` for the JSON's 69 and 4).
    [{ match: { op: '==', left: { payload: { base: 'th', offset: 16, len: 16 } }, right: 53 } }, '@th,16,16 0x35'],
    [{ match: { op: '==', left: { payload: { base: 'nh', offset: 0, len: 8 } }, right: 69 } }, '@nh,0,8 0x45'],
    [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'dscp' } }, right: 4 } }, 'ip dscp 0x04'],
    [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'dscp' } }, right: 'cs1' } }, 'ip dscp cs1'],
    [{ match: { op: '==', left: { payload: { protocol: 'udp', field: 'dport' } }, right: 53 } }, 'udp dport 53'],
    [
      { match: { op: '<', left: { '&': [{ meta: { key: 'random' } }, 2147483647] }, right: 1073741824 } },
      'meta random & 2147483647 < 1073741824',
    ],
    [{ frobnicate: { x: 1 } }, '{"frobnicate":{"x":1}}'],
    ['not an object', '"not an object"'],
  ] as const)('%j → %s', (stmt, text) => {
    expect(renderStmt(stmt)).toBe(text);
  });

  // As nft 1.0.6 lists them (seen live in a private netns): the default reject is left out only where it
  // is the family's own default; elements' statements stay inside the braces.
  it.each([
    ['ip', { reject: { type: 'icmp', expr: 'port-unreachable' } }, 'reject'],
    ['inet', { reject: { type: 'icmp', expr: 'port-unreachable' } }, 'reject with icmp port-unreachable'],
    ['inet', { reject: { type: 'icmpv6', expr: 'port-unreachable' } }, 'reject with icmpv6 port-unreachable'],
    ['ip6', { reject: { type: 'icmpv6', expr: 'port-unreachable' } }, 'reject'],
    ['inet', { reject: { type: 'icmpx', expr: 'port-unreachable' } }, 'reject'],
    ['inet', { reject: { type: 'icmpx', expr: 'host-unreachable' } }, 'reject with icmpx host-unreachable'],
    ['ip', { reject: { type: 'tcp reset' } }, 'reject with tcp reset'],
    [
      'inet',
      {
        set: {
          op: 'add',
          elem: { payload: { protocol: 'ip', field: 'saddr' } },
          set: '@ssh_meter',
          stmt: [{ limit: { rate: 3, burst: 3, per: 'minute', inv: true } }],
        },
      },
      'add @ssh_meter { ip saddr limit rate over 3/minute burst 3 packets }',
    ],
    [
      'inet',
      {
        set: { op: 'add', elem: { payload: { protocol: 'ip', field: 'saddr' } }, set: '@s', stmt: [{ counter: null }] },
      },
      'add @s { ip saddr counter }',
    ],
  ] as const)('in an %s table: %j → %s', (family, stmt, text) => {
    expect(renderStmt(stmt, family)).toBe(text);
    expect(ruleFields({ family, expr: [stmt] }).text).toBe(text);
  });

  it('renders unknown expressions compactly inside a known statement', () => {
    expect(renderStmt({ match: { op: '==', left: { wat: 1 }, right: { set: [1, { range: [2, 3] }] } } })).toBe(
      '{"wat":1} { 1, 2-3 }',
    );
    expect(renderExpr({ prefix: { addr: '10.0.0.0', len: 8 } })).toBe('10.0.0.0/8');
    expect(
      renderExpr({ concat: [{ payload: { protocol: 'ip', field: 'saddr' } }, { meta: { key: 'l4proto' } }] }),
    ).toBe('ip saddr . meta l4proto');
  });
});

describe('parseNftJson', () => {
  const doc = (items: unknown[]): string =>
    JSON.stringify({ nftables: [{ metainfo: { json_schema_version: 1 } }, ...items] });

  it('reads chains with numeric or named priority, rules in order, handles, comments and actions', () => {
    const s = parseNftJson(
      doc([
        { table: { family: 'inet', name: 't', handle: 1 } },
        {
          chain: {
            family: 'inet',
            table: 't',
            name: 'in',
            handle: 1,
            type: 'filter',
            hook: 'input',
            prio: 10,
            policy: 'drop',
          },
        },
        {
          chain: {
            family: 'inet',
            table: 't',
            name: 'pre',
            handle: 2,
            type: 'nat',
            hook: 'prerouting',
            prio: 'dstnat',
          },
        },
        { chain: { family: 'inet', table: 't', name: 'u', handle: 3 } },
        {
          rule: {
            family: 'inet',
            table: 't',
            chain: 'in',
            handle: 7,
            expr: [{ counter: { packets: 5, bytes: 300 } }, { jump: { target: 'u' } }],
          },
        },
        {
          rule: {
            family: 'inet',
            table: 't',
            chain: 'in',
            handle: 8,
            comment: 'hi there',
            expr: [{ queue: { num: 1 } }],
          },
        },
        {
          rule: {
            family: 'inet',
            table: 't',
            chain: 'pre',
            handle: 9,
            expr: [{ dnat: { family: 'ip6', addr: 'fd00::1', port: 80 } }],
          },
        },
        {
          rule: {
            family: 'inet',
            table: 't',
            chain: 'u',
            handle: 10,
            expr: [{ xt: { type: 'target', name: 'DNAT' } }],
          },
        },
        { rule: { family: 'inet', table: 't', chain: 'u', handle: 11 } },
      ]),
    );
    expect(s.unparsed).toEqual([]);
    expect(s.chains.map((c) => [c.chain, c.hook, c.priority, c.policy])).toEqual([
      ['in', 'input', 10, 'drop'],
      ['pre', 'prerouting', -100, null],
      ['u', null, null, null],
    ]);
    const [inChain, pre, u] = s.chains;
    expect(inChain?.rules).toMatchObject([
      {
        position: 1,
        handle: 7,
        text: 'counter jump u',
        packets: 5,
        bytes: 300,
        action: 'jump',
        target: 'u',
        unconditional: true,
      },
      { position: 2, handle: 8, text: 'queue to 1 comment "hi there"', action: 'queue', comment: 'hi there' },
    ]);
    expect(pre?.rules[0]).toMatchObject({
      text: 'dnat ip6 to [fd00::1]:80',
      nat: { kind: 'dnat', to: '[fd00::1]:80' },
    });
    expect(u?.rules).toMatchObject([
      { position: 1, action: 'accept', nat: { kind: 'dnat', to: null } },
      { position: 2, text: '', action: 'continue', unconditional: true },
    ]);
  });

  it('reports malformed input instead of throwing', () => {
    expect(parseNftJson('{nope').unparsed[0]?.reason).toMatch(/^not JSON/);
    expect(parseNftJson('[1,2]').unparsed[0]?.reason).toBe('no "nftables" array');
    const s = parseNftJson(
      doc([42, { rule: { family: 'inet', chain: 'c' } }, { chain: { family: 'martian', table: 't', name: 'c' } }]),
    );
    expect(s.unparsed.map((u) => u.reason)).toEqual([
      'not a one-key object',
      'rule without family, table or chain',
      'chain without family, table or name',
    ]);
  });

  it('skips # lines before the JSON', () => {
    expect(
      parseNftJson(`# source: x\n${doc([{ chain: { family: 'ip', table: 't', name: 'c' } }])}`).chains,
    ).toHaveLength(1);
  });
});

describe('prefix NAT, meters and quotas as nft 1.0.6 writes them in JSON', () => {
  const rule = (expr: unknown[]): ReturnType<typeof ruleFields> => ruleFields({ family: 'ip', expr });
  const prefixMap = {
    dnat: {
      family: 'ip',
      addr: {
        map: {
          key: { payload: { protocol: 'ip', field: 'daddr' } },
          data: { set: [[{ prefix: { addr: '10.25.8.0', len: 24 } }, { prefix: { addr: '10.25.2.0', len: 24 } }]] },
        },
      },
      flags: 'netmap',
      type_flags: 'prefix',
    },
  };

  it('`dnat ip prefix to ip daddr map { ... }`, as `nft list` prints it, a prefix map', () => {
    const r = rule([prefixMap]);
    expect(r.text).toBe('dnat ip prefix to ip daddr map { 10.25.8.0/24 : 10.25.2.0/24 }');
    expect(r.nat).toEqual({ kind: 'dnat', to: 'ip daddr map { 10.25.8.0/24 : 10.25.2.0/24 }', prefix: true });
  });

  it('`dnat prefix to 10.25.3.0/24`', () => {
    const r = rule([
      { dnat: { addr: { prefix: { addr: '10.25.3.0', len: 24 } }, flags: 'netmap', type_flags: 'prefix' } },
    ]);
    expect(r.text).toBe('dnat prefix to 10.25.3.0/24');
    expect(r.nat).toEqual({ kind: 'dnat', to: '10.25.3.0/24', prefix: true });
  });

  it('a meter, as the text listing and trace lines print it (the default burst left out)', () => {
    const meter = {
      meter: {
        key: { payload: { protocol: 'ip', field: 'saddr' } },
        stmt: { limit: { rate: 5, burst: 5, per: 'second', inv: true } },
        size: 1024,
        name: 'm8080',
      },
    };
    expect(renderStmt(meter)).toBe('meter m8080 size 1024 { ip saddr limit rate over 5/second }');
  });

  it('a quota without its `used` value (trace lines print it as of the reader start)', () => {
    expect(renderStmt({ quota: { val: 50, val_unit: 'kbytes', inv: true, used: 50, used_unit: 'kbytes' } })).toBe(
      'quota over 50 kbytes',
    );
  });
});
