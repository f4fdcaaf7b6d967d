import { describe, expect, it } from 'vitest';
import { Assembler } from '../../src/trace/assembler.js';
import type { TraceEvent } from '../../src/model/event.js';
import type { Trace } from '../../src/model/trace.js';
import { pkt, policy, rule, SYN } from './events.js';

function assemble(events: TraceEvent[]): Trace[] {
  const a = new Assembler({ idle: 1000, maxOpen: 100 });
  const out: Trace[] = [];
  events.forEach((e, i) => out.push(...a.push(e, i)));
  out.push(...a.flush());
  return out;
}

const FWD = { table: 'filter', chain: 'FORWARD' };
const PRE = { table: 'raw', chain: 'PREROUTING' };

describe('Assembler (netlink events)', () => {
  it('names the rule and the jump path that dropped a packet', () => {
    const [t, ...rest] = assemble([
      pkt(PRE, SYN),
      policy(PRE, 'accept'),
      pkt(FWD, { ...SYN, oif: 's0', ttl: 63 }),
      rule(FWD, 'jump', '-A FORWARD -p tcp --dport 5432 -j DB-ALLOW', 'DB-ALLOW'),
      rule({ table: 'filter', chain: 'DB-ALLOW' }, 'goto', '-A DB-ALLOW -j LOG_AND_DROP', 'LOG_AND_DROP'),
      rule({ table: 'filter', chain: 'LOG_AND_DROP' }, 'continue', '-A LOG_AND_DROP -j LOG'),
      rule({ table: 'filter', chain: 'LOG_AND_DROP' }, 'drop', '-A LOG_AND_DROP -j DROP'),
    ]);
    expect(rest).toEqual([]);
    expect(t!.verdict).toMatchObject({
      action: 'drop',
      hook: 'forward',
      table: 'filter',
      chain: 'LOG_AND_DROP',
      by: 'rule',
    });
    expect(t!.steps.map((s) => s.hook)).toEqual(['prerouting', 'forward', 'forward', 'forward', 'forward']);
    expect(t!.packet).toMatchObject({ iif: 'c0', oif: 's0', dport: 5432 });
    expect(t!.explanation).toBe(
      'dropped by a rule of filter/LOG_AND_DROP (-A LOG_AND_DROP -j DROP), reached from FORWARD -> DB-ALLOW',
    );
  });

  it('reports a policy drop', () => {
    const [t] = assemble([pkt(FWD, SYN), policy(FWD, 'drop')]);
    expect(t!.verdict).toMatchObject({ action: 'drop', by: 'policy', chain: 'FORWARD', rule: null });
    expect(t!.explanation).toBe('dropped by the DROP policy of filter/FORWARD: no rule accepted it');
  });

  it('names the family when the trace passed two tables of one name (iptables-nft ip filter, native inet filter)', () => {
    const ipFwd = { table: 'filter', chain: 'FORWARD' };
    const inetFwd = { table: 'filter', chain: 'forward', family: 'inet' as const };
    const [dropped] = assemble([
      pkt(ipFwd, SYN),
      policy(ipFwd, 'accept'),
      pkt(inetFwd, SYN),
      rule(inetFwd, 'drop', 'tcp dport 5432 drop'),
    ]);
    expect(dropped!.explanation).toBe('dropped by a rule of inet filter/forward (tcp dport 5432 drop)');
    const [byPolicy] = assemble([pkt(inetFwd, SYN), policy(inetFwd, 'accept'), pkt(ipFwd, SYN), policy(ipFwd, 'drop')]);
    expect(byPolicy!.explanation).toBe('dropped by the DROP policy of ip filter/FORWARD: no rule accepted it');
    const [alone] = assemble([pkt(inetFwd, SYN), policy(inetFwd, 'drop')]);
    expect(alone!.explanation).toBe('dropped by the DROP policy of filter/forward: no rule accepted it');
  });

  it('turns nft reject (reported as verdict drop) into reject', () => {
    const input = { table: 'filter', chain: 'input', family: 'inet' as const };
    const [t] = assemble([pkt(input, SYN), rule(input, 'drop', 'udp dport 9 reject')]);
    expect(t!.verdict.action).toBe('reject');
  });

  it('splits a reused trace id into one trace per packet', () => {
    const second = { ...SYN, ipId: 8 };
    const traces = assemble([pkt(FWD, SYN), policy(FWD, 'accept'), pkt(FWD, second), policy(FWD, 'accept')]);
    expect(traces.map((t) => t.id)).toEqual(['aaaa0001', 'aaaa0001#2']);
  });

  it('keeps interleaved packets apart by id', () => {
    const other = { id: 'bbbb0002', ...FWD };
    const traces = assemble([
      pkt(FWD, SYN),
      pkt(other, { ...SYN, ipId: 99 }),
      policy(other, 'drop'),
      policy(FWD, 'accept'),
    ]);
    expect(traces.map((t) => [t.id, t.verdict.action])).toEqual([
      ['bbbb0002', 'drop'],
      ['aaaa0001', 'accept'],
    ]);
  });

  it('sees DNAT as a header change between base chains and ties it to the nat rule', () => {
    const nat = { table: 'nat', chain: 'PREROUTING' };
    const vip = { ...SYN, dst: '10.96.0.10', dport: 80 };
    const [t] = assemble([
      pkt(nat, vip),
      rule(nat, 'accept', '-A PREROUTING -d 10.96.0.10/32 -p tcp -j DNAT --to-destination 10.0.2.2:80'),
      pkt(FWD, { ...vip, dst: '10.0.2.2' }),
      policy(FWD, 'accept'),
    ]);
    expect(t!.nat).toEqual([
      expect.objectContaining({
        hook: 'prerouting',
        kind: 'dnat',
        from: '10.96.0.10:80',
        to: '10.0.2.2:80',
        chain: 'PREROUTING',
      }),
    ]);
    expect(t!.verdict).toMatchObject({ action: 'accept', table: 'filter', by: 'policy' });
  });

  it('reports MASQUERADE in the last hook even though no later header shows it', () => {
    const post = { table: 'nat', chain: 'POSTROUTING' };
    const [t] = assemble([pkt(post, SYN), rule(post, 'accept', '-A POSTROUTING -o s0 -j MASQUERADE')]);
    expect(t!.nat).toEqual([
      expect.objectContaining({ kind: 'masquerade', from: '10.0.1.2:40000', to: null, hook: 'postrouting' }),
    ]);
  });

  it('closes idle traces on tick and bounds open traces', () => {
    const a = new Assembler({ idle: 10, maxOpen: 2 });
    expect(a.push(pkt({ id: '1', ...FWD }, SYN), 0)).toEqual([]);
    expect(a.push(pkt({ id: '2', ...FWD }, SYN), 1)).toEqual([]);
    expect(a.push(pkt({ id: '3', ...FWD }, SYN), 2).map((t) => t.id)).toEqual(['1']);
    expect(a.tick(5)).toEqual([]);
    expect(a.tick(12).map((t) => t.id)).toEqual(['2', '3']);
    expect(a.openCount).toBe(0);
  });
});

describe('Assembler ordering', () => {
  it('releases traces in arrival order when ordered, even if a later one finishes first', () => {
    const a = new Assembler({ idle: 100, maxOpen: 10, ordered: true });
    const first = { id: 'f1', ...FWD };
    const second = { id: 's2', ...FWD };
    expect(a.push(pkt(first, SYN), 0)).toEqual([]);
    expect(a.push(pkt(second, { ...SYN, ipId: 2 }), 1)).toEqual([]);
    expect(a.push(policy(second, 'drop'), 2)).toEqual([]);
    expect(a.push(policy(first, 'drop'), 3).map((t) => t.id)).toEqual(['f1', 's2']);
  });
});
