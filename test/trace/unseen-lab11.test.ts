// A ufw host from an eleventh review lab (test/fixtures/unseen11/README.md): its user rules sit after a jump to
// ufw-not-local, which the trace shows the packet came back from; they are near misses all the same.
import { expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen11');

it("a SYN from the wrong client to ufw's postgres rule: that rule is the closest near miss", () => {
  const traces = replay('postgres.dmesg.txt', 'postgres.iptables-save.txt').traces;
  const denied = traces.filter((t) => t.packet.src === '10.111.1.3');
  expect(denied).toHaveLength(3);
  for (const t of denied) {
    expect(t.verdict).toMatchObject({ action: 'drop', chain: 'INPUT', by: 'policy' });
    expect(t.why!.nearMisses[0]!.text).toBe(
      'rule 2 would accept tcp dport 5432 from 10.111.1.2/32 (via ufw-before-input rule 13 -> ufw-user-input rule 5), but this packet comes from 10.111.1.3',
    );
    expect(t.explanation).toContain('; closest: rule 2 would accept tcp dport 5432 from 10.111.1.2/32');
  }
  const allowed = traces.find((t) => t.packet.src === '10.111.1.2' && t.packet.tcpFlags?.includes('SYN'));
  expect(allowed?.verdict).toMatchObject({ action: 'accept', chain: 'ufw-user-input' });
  expect(allowed?.verdict.rule?.position).toBe(5);
});
