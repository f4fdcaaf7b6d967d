// An OpenWrt fw4-style router from a twelfth review lab (test/fixtures/unseen12/README.md): one inet table holding
// filter, nat and "mangle" chains, zone chains reached by verdict maps.
import { expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen12');

const decided = (t: Trace): string =>
  `${t.verdict.action} ${t.verdict.chain} ${t.verdict.by === 'policy' ? 'policy' : t.verdict.rule?.position}`;

it("an accepted packet is credited to the zone rule that accepted it, not fw4's empty mangle_postrouting", () => {
  for (const rules of ['portfwd.ruleset-a.nft', null]) {
    const traces = replay('portfwd.nft-a-monitor.txt', ...(rules === null ? [] : [rules])).traces;
    const accepted = traces.filter((t) => t.verdict.action === 'accept');
    expect(accepted.length).toBeGreaterThan(10);
    for (const t of accepted) expect(t.verdict.chain).not.toMatch(/^(?:mangle_|srcnat|dstnat)/);
    if (rules === null) continue;
    const syns = accepted.filter((t) => t.packet.tcpFlags?.join() === 'SYN' && t.packet.dport === 2222);
    expect(syns.map(decided).sort()).toEqual(['accept accept_to_guest 1', 'accept forward_wan 5']);
    expect(new Set(accepted.filter((t) => !syns.includes(t)).map(decided))).toEqual(new Set(['accept forward 1']));
  }
});

it('near misses of a reject follow only the verdict-map branch the trace shows was taken', () => {
  const traces = replay('guest-lan.nft-a-monitor.txt', 'guest-lan.ruleset-a.nft').traces;
  const rejected = traces.filter((t) => t.verdict.action === 'reject' && t.packet.src === '192.168.78.10');
  expect(rejected.length).toBeGreaterThan(0);
  for (const t of rejected) {
    expect(decided(t)).toMatch(/^reject handle_reject [12]$/);
    const via = [...t.why!.nearMisses, ...t.why!.cannotCompare].flatMap((m) => m.via.map((v) => v.chain));
    // The map jumped to forward_guest: forward_lan's and forward_wan's accepts were never within reach.
    expect(via.filter((c) => c === 'forward_lan' || c === 'forward_wan')).toEqual([]);
    // forward_guest's `ct status dnat accept` ran before the rule that sent the packet on: it did not accept, so
    // it is no near miss; its condition fwtrace cannot compare is what kept the packet out.
    expect(t.why!.nearMisses.flatMap((m) => m.via.map((v) => v.rule.handle))).not.toContain(102);
    for (const c of t.why!.cannotCompare) expect(c.via.map((v) => v.rule.handle)).toEqual([102]);
  }
});

it('nft -j rulesets print verdict-map keys as nft does (`iifname vmap { "wan" : ... }`): rules found by text', () => {
  const traces = replay('wan-ssh.nft-monitor.txt', 'wan-ssh.ruleset.json').traces;
  const rules = traces.flatMap((t) => t.steps.filter((s) => s.kind === 'rule'));
  expect(rules.length).toBeGreaterThan(0);
  expect(rules.filter((s) => s.rule?.position == null)).toEqual([]);
  const ssh = traces.find((t) => t.packet.dport === 22)!;
  expect(decided(ssh)).toBe('reject handle_reject 1');
  expect(ssh.explanation).toContain('reached from input rule 4 -> input_wan rule 9 -> reject_from_wan rule 1');
});
