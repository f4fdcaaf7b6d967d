// A docker host's kernel log from a fifteenth review lab (test/fixtures/unseen15/README.md).
import { expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen15');

const decided = (t: Trace): string =>
  `${t.verdict.action} ${t.verdict.chain} ${t.verdict.by === 'policy' ? 'policy' : t.verdict.rule?.position}`;

it('one trace per logged packet, each decided as the counters say', () => {
  const traces = replay('docker.dmesg.txt', 'docker.iptables-save.txt').traces;
  expect(traces).toHaveLength(38);
  const tally = new Map<string, number>();
  for (const t of traces) tally.set(decided(t), (tally.get(decided(t)) ?? 0) + 1);
  expect(Object.fromEntries(tally)).toEqual({
    'accept FORWARD 3': 23,
    'accept DOCKER 1': 1,
    'accept FORWARD 5': 8,
    'accept FORWARD 6': 2,
    'drop DOCKER-USER 1': 2,
    'drop FORWARD policy': 2,
  });
});

it('a rule:N line where the dump holds an unconditional RETURN (logged as return:N) is not that rule', () => {
  const traces = replay('docker.dmesg.txt', 'docker.iptables-save-drifted.txt').traces;
  const user = traces.filter((t) => t.steps.some((s) => s.chain === 'DOCKER-USER' && s.kind === 'rule'));
  const cut = user.filter((t) => t.verdict.action === 'unknown');
  expect(cut).toHaveLength(2);
  for (const t of cut) {
    expect(t.steps.at(-1)).toMatchObject({ chain: 'DOCKER-USER', kind: 'rule', verdict: 'unknown' });
    expect(t.steps.at(-1)?.rule).toMatchObject({ position: 1, text: null });
    expect(t.explanation).toMatch(
      /the ruleset given does not hold this rule of filter\/DOCKER-USER: give the dump taken with the capture$/,
    );
  }
});

it('bridged packets name their bridge ports: PHYSIN from prerouting, PHYSOUT learnt in forward', () => {
  const traces = replay('docker.dmesg.txt', 'docker.iptables-save.txt').traces;
  const toDb = traces.filter((t) => t.packet.dst === '172.17.0.3' && t.packet.iif === 'docker0');
  expect(toDb.length).toBeGreaterThan(0);
  for (const t of toDb) expect(t.packet).toMatchObject({ iif: 'docker0', physin: 'vweb', physout: 'vdb' });
  // Routed in from outside: iptables saw it before the bridge chose a port, so the log names none.
  const inbound = traces.find((t) => t.packet.iif === 'eth0' && t.packet.dst === '172.17.0.3');
  expect(inbound?.packet).toMatchObject({ iif: 'eth0', oif: 'docker0' });
  expect(inbound?.packet.physin).toBeUndefined();
  expect(inbound?.packet.physout).toBeUndefined();
});
