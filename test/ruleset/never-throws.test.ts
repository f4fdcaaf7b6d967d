import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { RulesetSnapshot } from '../../src/model/ruleset.js';
import { parseIptablesS } from '../../src/ruleset/iptables-s.js';
import { parseIptablesSave } from '../../src/ruleset/iptables-save.js';
import { parseNftJson } from '../../src/ruleset/nft-json.js';
import { parseNftText } from '../../src/ruleset/nft-text.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';

const READERS: readonly ((text: string) => RulesetSnapshot)[] = [
  readRuleset,
  parseIptablesSave,
  (t) => parseIptablesS(t),
  parseNftText,
  parseNftJson,
];

/** Lines that look like the real thing, so the generator reaches deep into the parsers. */
const fragment = fc.constantFrom(
  '*filter',
  '*nat',
  'COMMIT',
  ':INPUT DROP [1:2]',
  ':X - [0:0]',
  '-A INPUT -j ACCEPT',
  '[1:2] -A X -g Y',
  '-A X -m comment --comment "a b',
  '-P INPUT DROP -c 1',
  '-N',
  'table inet t {',
  'table ip',
  'chain c {',
  '}',
  '{',
  'type filter hook input priority filter + ; policy drop;',
  'set s {',
  'elements = { 1, 2',
  'counter packets 1 bytes',
  'dnat to',
  'jump',
  'vmap {',
  '# handle x',
  '"',
  'ip saddr { 1 .',
  'xt target',
);
const textish = fc.array(fc.oneof(fragment, fc.string()), { maxLength: 30 }).map((parts) => parts.join('\n'));

function check(s: RulesetSnapshot): void {
  expect(Array.isArray(s.chains)).toBe(true);
  for (const c of s.chains) c.rules.forEach((r, i) => expect(r.position).toBe(i + 1));
  buildRuleIndex(s).byPosition('ip', 'filter', 'INPUT', 1);
}

describe('readers never throw', () => {
  test.prop([fc.oneof(fc.string(), textish)], { numRuns: 300 })('on arbitrary text', (text) => {
    for (const read of READERS) check(read(text));
  });

  test.prop([fc.jsonValue({ maxDepth: 6 })], { numRuns: 300 })('on random JSON', (value) => {
    check(parseNftJson(JSON.stringify(value)));
    check(parseNftJson(JSON.stringify({ nftables: [value] })));
    check(parseNftJson(JSON.stringify({ nftables: Array.isArray(value) ? value : [value] })));
  });

  const expr = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(
        fc.constantFrom(
          'match',
          'payload',
          'meta',
          'set',
          'range',
          'prefix',
          'concat',
          '&',
          'vmap',
          'dnat',
          'jump',
          'counter',
          'log',
          'limit',
          'mangle',
          'xt',
          'elem',
          'numgen',
          'jhash',
          'queue',
          'reject',
        ),
        tie('node'),
        { maxKeys: 1, minKeys: 1 },
      ),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
  }));
  test.prop([fc.array(expr.node, { maxLength: 6 })], { numRuns: 300 })('on random rule expressions', (exprs) => {
    const rule = { rule: { family: 'inet', table: 't', chain: 'c', handle: 1, expr: exprs } };
    const s = parseNftJson(JSON.stringify({ nftables: [rule] }));
    expect(typeof s.chains[0]?.rules[0]?.text).toBe('string');
  });
});
