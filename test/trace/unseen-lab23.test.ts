// Layer 2 (bridge and netdev families, flooded frames) from a twenty-third review lab
// (test/fixtures/unseen23/README.md).
import { expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen23');

it('a frame the bridge floods: each copy (its own kernel id) is its own trace, with its own fate', () => {
  const traces = replay('br2-nft.txt', 'br2-after.nft').traces;
  const byId = new Map(traces.map((t) => [t.id, t]));
  // The neighbour solicitation delivered up to this host, and its copy to the router's port dropped by handle 10.
  expect(byId.get('33122b74')?.verdict.action).toBe('accept');
  expect(byId.get('346009f2')?.verdict).toMatchObject({ action: 'drop', chain: 'brfwd', rule: { handle: 10 } });
  expect(byId.get('346009f2')?.packet.oif).toBe('p-r');
  // No reused id was made up: the original goes on under its own id.
  expect([...byId.keys()].filter((id) => id.includes('#'))).toEqual([]);
});

// Some flooded copies keep the original's id (the same id in brfwd with another oif): those are #2, #3.
it('every flooded copy one trace (64 for 60 kernel ids), the same with or without the ruleset', () => {
  expect(replay('br-nft.txt', 'br-after.nft').traces).toHaveLength(64);
  expect(replay('br-nft.txt').traces).toHaveLength(64);
});
