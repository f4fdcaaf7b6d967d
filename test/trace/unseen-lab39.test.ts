// Early and late hooks: netdev ingress and egress chains, an inet ingress chain, before and after the IP hooks,
// from a thirty-ninth review lab (test/fixtures/unseen39/README.md). 47 packets traced in each run.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen39');

const VERDICTS = {
  'accept egress out_r1': 20, // client to server: the last accept is the egress chain's policy
  'accept forward forward': 20, // replies: ct state established
  'drop ingress in_r0': 2, // udp 5353 at netdev ingress
  'drop egress out_r1': 2, // tcp 9090 at egress, after forward and postrouting accepted it
  'drop forward forward': 1,
  'drop ingress ingress_hook': 1, // tcp 7070 at inet ingress
  'accept ingress ingress_hook': 1, // a ping to the router (no input chain)
};

describe('ingress before prerouting, egress after postrouting', () => {
  it.each([[['run1.ruleset.nft']], [['run1.ruleset.json']], [[]]])(
    'run 1 with %j: every verdict at its hook',
    (rules) => {
      const traces = replay('run1.nft-trace.txt', ...rules).traces;
      expect(traces).toHaveLength(47);
      // Without a ruleset too: a netdev chain is ingress or egress by the interface its packet shows.
      expect(tally(traces, (t) => `${t.verdict.action} ${t.verdict.hook} ${t.verdict.chain}`)).toEqual(VERDICTS);
    },
  );

  it('NAT conntrack applies is placed at prerouting, never at ingress (which runs before conntrack)', () => {
    const traces = replay('run2.nft-trace.txt', 'run2.ruleset.nft').traces;
    const hooks = tally(
      traces.flatMap((t) => t.nat),
      (n) => `${n.kind} ${n.hook}`,
    );
    expect(hooks).toEqual({ 'dnat prerouting': 18, 'masquerade postrouting': 5 });
    expect(traces.find((t) => t.id === '4122107f')!.explanation).toContain(
      'after DNAT 10.39.1.1:8080 -> 10.39.2.2:8000 in prerouting (existing conntrack mapping',
    );
  });
});
