// SYNPROXY, INVALID, helpers, zones and TCPMSS from a twenty-first review lab (test/fixtures/unseen21/README.md).
import { expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen21');

it('kernel log: the packets SYNPROXY took say so, not that the dump lacks the rule', () => {
  const traces = replay('legacy.kern.txt', 'legacy.iptables-save.txt').traces;
  expect(traces).toHaveLength(114); // TRACE counters 109 + 5
  const synproxy = traces.filter((t) => t.steps.at(-1)?.rule?.text?.includes('-j SYNPROXY') === true);
  expect(synproxy).toHaveLength(2); // rule 1's counter
  for (const t of synproxy) {
    expect(t.verdict.action).toBe('unknown');
    expect(t.explanation).toMatch(
      /-j SYNPROXY decides per packet: it answers a SYN itself and takes an ACK with a valid cookie \(both stolen\), drops an ACK whose cookie is not valid, and lets any other packet go on$/,
    );
  }
});

it('kernel log: a SYN that TCPMSS grew by an MSS option in mangle FORWARD stays one trace', () => {
  const { traces } = replay('legacy2.kern.txt', 'legacy2.iptables-save.txt');
  expect(traces).toHaveLength(6);
  // No trace begins past the raw table, where TRACE starts every packet (replay would warn of one).
  expect(traces.filter((t) => t.steps[0]?.table !== 'raw')).toEqual([]);
  const grown = traces.find((t) => t.packet.dport === 7001 && t.packet.tcpFlags?.join() === 'SYN');
  expect(grown?.steps.map((s) => `${s.table}/${s.chain}`)).toContain('mangle/FORWARD');
  expect(grown?.verdict).toMatchObject({ action: 'accept', chain: 'FORWARD' });
});

it('nft -j dumps render the synproxy statement as nft prints it: the rule is found, no warning', () => {
  for (const dump of ['nft.ruleset.nft', 'nft.ruleset.json']) {
    const { traces } = replay('nft.trace.txt', dump);
    expect(traces).toHaveLength(111);
    // Every rule step found in the dump (replay warns of those it does not hold).
    expect(traces.flatMap((t) => t.steps).filter((s) => s.kind === 'rule' && s.rule?.handle == null)).toEqual([]);
    const stolen = traces.filter((t) => t.verdict.action === 'stolen');
    expect(stolen.map((t) => t.verdict.rule?.handle)).toEqual([16, 16]);
    expect(stolen[0]?.verdict.rule?.text).toContain('synproxy mss 1460 wscale 7 timestamp sack-perm');
  }
});

it('a policy drop: a rule the packet passed (the chain ended in its policy) is no "might accept" near miss', () => {
  const traces = replay('xtables2.xt.txt', 'xtables2.iptables-save.txt').traces;
  expect(traces).toHaveLength(7);
  const dropped = traces.find((t) => t.verdict.by === 'policy');
  expect(dropped?.why?.nearMisses.map((m) => m.text).join('\n')).not.toMatch(/ESTABLISHED/);
});
