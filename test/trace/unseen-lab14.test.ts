// A firewalld-style server from a fourteenth review lab (test/fixtures/unseen14/README.md).
import { expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen14');

it('`ct status dnat accept` as a near miss says the packet was not DNATed (a status, not a state)', () => {
  const traces = replay('routed.nft-a-monitor.txt', 'routed.ruleset-a.nft').traces;
  const rejected = traces.filter((t) => t.verdict.action === 'reject');
  expect(rejected).toHaveLength(1);
  const texts = rejected[0]!.why!.nearMisses.map((m) => m.text);
  expect(texts).toContain('rule 2 would accept ct status dnat, but this packet was not DNATed');
  expect(texts.join('\n')).not.toMatch(/ct state DNAT|is NEW/);
});
