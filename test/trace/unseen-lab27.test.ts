// A virtualization/container host where several tools installed rules (libvirt, CNI portmap and bridge, podman's
// netavark table, the admin's own nft table) from a twenty-seventh review lab (test/fixtures/unseen27/README.md).
import { describe, expect, it } from 'vitest';
import { MissingChains } from '../../src/app/missing-chains.js';
import type { Trace } from '../../src/model/trace.js';
import { combineSnapshots } from '../../src/ruleset/combine.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { read, replay } = fixtureReplay('unseen27');

const byHandle = (traces: readonly Trace[]): Record<string, number> =>
  tally(traces, (t) => decidedBy(t, (r) => r.handle));

/** The admin table's counters (c1-ruleset.nft.txt: rules by handle, the policy's counter rule) and the rejects. */
const C1 = {
  'accept admin/forward 2': 33,
  'accept admin/forward 3': 1,
  'accept admin/forward 4': 1,
  'accept admin/forward 5': 1,
  'accept admin/forward 6': 2,
  'accept admin/forward 7': 1,
  'drop admin/forward policy': 2,
  'reject filter/LIBVIRT_FWI 13': 2,
  'reject filter/LIBVIRT_FWI 27': 1,
};

describe('nft monitor trace of native and iptables-nft tables at once', () => {
  it('with nft -a list ruleset: every verdict its counter', () => {
    const traces = replay('c1-nft-monitor-trace.txt', 'c1-ruleset.nft.txt').traces;
    expect(traces).toHaveLength(44);
    expect(byHandle(traces)).toEqual(C1);
  });

  it('without a ruleset: netavark’s POSTROUTING (a nat chain, by an unsaying name) decides nothing', () => {
    const traces = replay('c1-nft-monitor-trace.txt').traces;
    expect(traces.filter((t) => t.verdict.table === 'netavark').map((t) => t.id)).toEqual([]);
    expect(tally(traces, (t) => `${t.verdict.action} ${t.verdict.table}/${t.verdict.chain}`)).toEqual({
      'accept admin/forward': 39,
      'drop admin/forward': 2,
      'reject filter/LIBVIRT_FWI': 3,
    });
  });

  it('a masquerade with ports reads as the out interface’s address and those ports', () => {
    const t = replay('c1-nft-monitor-trace.txt', 'c1-ruleset.nft.txt').traces.find((x) => x.id === 'f312682f')!;
    expect(t.nat).toMatchObject([{ kind: 'masquerade', to: ':1024-65535', chain: 'LIBVIRT_PRT' }]);
    expect(t.explanation).toContain(
      'after MASQUERADE 192.168.127.10:49718 -> the address of up0, ports 1024-65535 in postrouting',
    );
  });

  it('two filtering tables at one hook: both accepts are named, and a drop says the other table had accepted', () => {
    const c4 = replay('c4-nft-monitor-trace.txt', 'c4-ruleset.nft.txt').traces.find((x) => x.id === '724df634')!;
    expect(c4.explanation).toMatch(
      /^accepted by rule 2 of admin\/forward \(.*\), and by rule 1 of filter\/LIBVIRT_FWO \(.*\), reached from FORWARD rule 4, after MASQUERADE/,
    );
    const drop = replay('c1-nft-monitor-trace.txt', 'c1-ruleset.nft.txt').traces.find((x) => x.id === 'c074023e')!;
    expect(drop.explanation).toMatch(
      /^dropped by the DROP policy of admin\/forward: no rule of it accepted it, though rule 1 of filter\/LIBVIRT_FWO accepted it \(both tables must\); closest: rule 2 would accept tcp dport 5000/,
    );
  });

  it('each tool’s chains are its own', () => {
    const owners = new Map<string, string | null>();
    for (const t of replay('c1-nft-monitor-trace.txt', 'c1-ruleset.nft.txt').traces)
      for (const s of t.steps) owners.set(`${s.table}/${s.chain}`, s.owner ?? null);
    expect(owners.get('filter/LIBVIRT_FWO')).toBe('libvirt');
    expect(owners.get('nat/LIBVIRT_PRT')).toBe('libvirt');
    expect(owners.get('nat/CNI-HOSTPORT-DNAT')).toBe('cni');
    expect(owners.get('nat/CNI-DN-abc123def4567890')).toBe('cni');
    expect(owners.get('netavark/POSTROUTING')).toBe('podman');
    expect(owners.get('admin/forward')).toBeNull();
  });
});

describe('xtables-monitor with iptables-save dumps only (no dump of the native tables)', () => {
  const dumps = ['c2-iptables-nft-save.txt', 'c2-ip6tables-nft-save.txt'];

  it('the admin table’s rules decide, not netavark’s POSTROUTING', () => {
    const traces = replay('c2-xtables-monitor-trace.txt', ...dumps).traces;
    expect(traces).toHaveLength(42);
    expect(traces.filter((t) => t.verdict.table === 'netavark').map((t) => t.id)).toEqual([]);
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position ?? `h${r.handle}`))).toEqual({
      'accept admin/forward h2': 31,
      'accept admin/forward h3': 1,
      'accept admin/forward h4': 1,
      'accept admin/forward h5': 1,
      'accept admin/forward h6': 2,
      'accept admin/forward h7': 1,
      'drop admin/forward policy': 2,
      'reject filter/LIBVIRT_FWI 2': 3,
    });
  });

  it('ip6tables’ REJECT printed `--reject-with (null)` is found, and named as the dump writes it', () => {
    const rejects = replay('c2-xtables-monitor-trace.txt', ...dumps).traces.filter((t) => t.packet.ipVersion === 6);
    const v6 = rejects.filter((t) => t.verdict.action === 'reject');
    expect(v6).toHaveLength(2);
    for (const t of v6) {
      expect(t.verdict.rule).toMatchObject({ position: 2, packets: 2 });
      expect(t.explanation).toContain('(-A LIBVIRT_FWI -o vbr0 -j REJECT --reject-with icmp6-port-unreachable)');
    }
  });

  it('the chains no dump holds are warned about', () => {
    const index = buildRuleIndex(combineSnapshots(dumps.map((d) => readRuleset(read(d))))!);
    const missing = new MissingChains(index);
    for (const t of replay('c2-xtables-monitor-trace.txt', ...dumps).traces) missing.see(t);
    expect(missing.warning()).toMatch(
      /^42 traces pass chains the ruleset given does not hold \(inet netavark\/PREROUTING, inet netavark\/FORWARD, inet admin\/forward, and \d+ more\): .*\(nft -a list ruleset/,
    );
    // With the full dump, nothing is missing.
    const full = new MissingChains(buildRuleIndex(readRuleset(read('c1-ruleset.nft.txt'))));
    for (const t of replay('c1-nft-monitor-trace.txt', 'c1-ruleset.nft.txt').traces) full.see(t);
    expect(full.warning()).toBeNull();
  });
});

describe('kernel log (iptables-legacy) while native nft tables also filter', () => {
  const dumps = ['c3-iptables-legacy-save.txt', 'c3-ip6tables-legacy-save.txt'];

  it('a forwarded packet never logged in postrouting was not let through: undecided, not accepted', () => {
    const traces = replay('c3-dmesg-trace.txt', ...dumps).traces;
    expect(traces).toHaveLength(41);
    for (const id of ['k26', 'k27']) {
      const t = traces.find((x) => x.id === id)!;
      expect(t.verdict.action).toBe('unknown');
      expect(t.explanation).toContain(
        'short of mangle/POSTROUTING at postrouting, which every packet there meets next',
      );
    }
    expect(tally(traces, (t) => t.verdict.action)).toEqual({ accept: 36, reject: 3, unknown: 2 });
  });

  it('a SYN DNATed by a rule the kernel log cannot show (netavark’s) is not said to have an existing mapping', () => {
    const t = replay('c3-dmesg-trace.txt', ...dumps).traces.find((x) => x.id === 'k28')!;
    expect(t.nat).toMatchObject([{ kind: 'dnat', from: '10.27.1.1:9090', to: '10.27.89.2:80', rule: null }]);
    expect(t.explanation).toContain(
      // It met iptables' nat chains at postrouting: its connection's first packet, so no earlier SYN's mapping.
      "DNAT 10.27.1.1:9090 -> 10.27.89.2:80 in prerouting (no rule the trace shows, though the packet met a nat chain, which only a connection's first packet does: an nftables nat chain the kernel log cannot show, or lines missing from the capture)",
    );
    // The connection's later packets have its mapping.
    const later = replay('c3-dmesg-trace.txt', ...dumps).traces.filter(
      (x) => x.packet.dport === 9090 && x.packet.tcpFlags?.includes('ACK'),
    );
    expect(later.length).toBeGreaterThan(0);
    for (const x of later)
      expect(x.explanation).toContain(
        'in prerouting (existing conntrack mapping: a later packet of a DNATed connection, or a reply to a source-NATed one)',
      );
  });

  it('with the native dump too: short of admin/forward, which the kernel log cannot show', () => {
    const t = replay('c3-dmesg-trace.txt', ...dumps, 'c3-ruleset-native.nft.txt').traces.find((x) => x.id === 'k26')!;
    expect(t.verdict.action).toBe('unknown');
    expect(t.explanation).toContain(
      'short of admin/forward at forward, which every packet there meets next; the kernel log shows no nftables chain, so that chain may have dropped it',
    );
  });
});

it('xtables-monitor: a DNAT by a native nft rule it prints no text of is no earlier SYN’s mapping', () => {
  const traces = replay('c2-xtables-monitor-trace.txt').traces;
  const dnat = traces.filter((t) => t.nat.some((n) => n.kind === 'dnat' && n.from === '10.27.1.1:9090'));
  const syn = dnat.filter((t) => t.packet.tcpFlags?.join() === 'SYN');
  expect(syn).toHaveLength(1);
  expect(syn[0]!.explanation).toContain(
    "(no rule the trace shows, though the packet met a nat chain, which only a connection's first packet does: a rule whose text the trace lacks, or events missing from the capture)",
  );
});
