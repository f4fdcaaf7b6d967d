#!/usr/bin/env node
// Sanity check of the captured fixtures against test/fixtures/captures/expect.json (Node >= 20, no deps).
//   check.js [DIR]      DIR defaults to test/fixtures/captures
// A deliberately small, independent reader of the three formats (not fwtrace's parser): it splits each
// capture into packets (every packet starts with the capture's own trace rule in raw/fwtrace_capture),
// takes the packet's first-seen fields, and its decision = the last accept/drop verdict in a filter
// table (iptables `filter`, nft `inet filter`). It reports, per dialect/reader/scenario, whether each
// expected packet is there with the expected decision and NAT rules, and whether the number of packets
// equals the trace-rule counters (counts.json). Exit 1 on any mismatch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'test/fixtures/captures';
const expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8'));
const READERS = { legacy: ['kernlog'], xtables: ['xtables-monitor', 'nft-monitor'], nft: ['nft-monitor'] };
const TCP_BITS = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 };

function expandV6(a) {
  // normalise any IPv6 text to the compressed lower-case form
  if (!a.includes(':')) return a;
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = a.includes('::') ? (tail ? tail.split(':') : []) : [];
  const full = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const groups = full.map((g) => parseInt(g, 16).toString(16));
  // compress the longest run of zeros (RFC 5952)
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > len && j - i > 1) [best, len] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + len).join(':')}`;
}

function flagsFromBits(n) {
  return Object.entries(TCP_BITS)
    .filter(([, b]) => n & b)
    .map(([f]) => f)
    .sort();
}

// ---- iptables-save: chain -> list of rule texts (without counters) ---------------------------------
function loadSave(file) {
  const chains = {};
  let table = null;
  if (!existsSync(file)) return chains;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    const m = /^(?:\[\d+:\d+\] )?(-A (\S+) .*)$/.exec(line);
    if (m) (chains[`${table}:${m[2]}`] ??= []).push(m[1]);
  }
  return chains;
}

function targetAction(rule) {
  if (/ -j ACCEPT$/.test(rule)) return 'accept';
  if (/ -j DROP$/.test(rule)) return 'drop';
  if (/ -j REJECT( |$)/.test(rule)) return 'reject';
  return null;
}

// ---- readers -> packets: { fields, steps: [{table, chain, kind, num?, rule?, verdict}] } ------------
function parseKernlog(text) {
  const pkts = [];
  for (const line of text.split('\n')) {
    const m = /TRACE: (\S+?):(\S+):(rule|return|policy):(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const [, table, chain, kind, num, body] = m;
    if (table === 'raw' && (chain === 'PREROUTING' || chain === 'OUTPUT') && kind === 'policy') {
      const outer = body.split(' [')[0];
      const f = (k) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(outer)?.[1];
      const proto = f('PROTO')?.toLowerCase();
      const flags = ['FIN', 'SYN', 'RST', 'PSH', 'ACK'].filter((x) => new RegExp(` ${x} `).test(outer)).sort();
      pkts.push({
        fields: {
          ipVersion: f('SRC').includes(':') ? 6 : 4,
          proto: proto === 'icmpv6' ? 'icmpv6' : proto,
          src: expandV6(f('SRC')),
          dst: expandV6(f('DST')),
          sport: f('SPT') ? Number(f('SPT')) : undefined,
          dport: f('DPT') ? Number(f('DPT')) : undefined,
          tcpFlags: proto === 'tcp' ? flags : undefined,
          firstHook: chain === 'OUTPUT' ? 'output' : 'prerouting',
        },
        steps: [],
      });
    }
    pkts.at(-1)?.steps.push({ table, chain, kind, num: Number(num), label: `${table}:${chain}:${kind}:${num}` });
  }
  return pkts;
}

function parseXtables(text) {
  const pkts = [];
  const open = new Map();
  const header = new Map();
  for (const line of text.split('\n')) {
    let m = /^PACKET: \d+ (\S+) (.*)$/.exec(line);
    if (m) {
      header.set(m[1], m[2]);
      continue;
    }
    m = /^ TRACE: (\d+) (\S+) ([^:\s]+):(\S+?):(rule|policy|return):?(\S*)(?: {2}(.*)| *)$/.exec(line);
    if (!m) continue;
    const [, fam, id, table, chain, kind, rest, ruleText] = m;
    if (table === 'raw' && kind === 'rule' && (ruleText ?? '').includes('fwtrace:capture')) {
      const h = header.get(id) ?? '';
      const f = (k) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(h)?.[1];
      const flags = ['FIN', 'SYN', 'RST', 'PSH', 'ACK'].filter((x) => new RegExp(` ${x}( |$)`).test(h)).sort();
      const hasPorts = f('SPORT') !== undefined;
      const p = {
        fields: {
          ipVersion: fam === '10' ? 6 : 4,
          src: expandV6(f('SRC')),
          dst: expandV6(f('DST')),
          sport: hasPorts ? Number(f('SPORT')) : undefined,
          dport: hasPorts ? Number(f('DPORT')) : undefined,
          tcpFlags: flags.length ? flags : undefined,
          firstHook: chain === 'OUTPUT' ? 'output' : 'prerouting',
        },
        steps: [],
      };
      pkts.push(p);
      open.set(id, p);
    }
    const p = open.get(id);
    if (!p) continue;
    const verdict = kind === 'policy' ? rest : rest.replace(/^0x[0-9a-f]+:/, '');
    const rule = ruleText?.replace(/^-[46] -t \S+ /, '');
    p.steps.push({ table, chain, kind, verdict: verdict.split(':')[0].toLowerCase(), rule });
  }
  return pkts;
}

function parseNft(text) {
  const pkts = [];
  const open = new Map();
  for (const line of text.split('\n')) {
    const m = /^trace id (\S+) (\S+) (\S+) (\S+) (packet: |rule |policy |verdict |unknown rule handle )(.*)$/.exec(
      line,
    );
    if (!m) continue;
    const [, id, family, table, chain, what, rest] = m;
    const start =
      what === 'packet: ' &&
      (table === 'fwtrace_capture' || (table === 'raw' && (chain === 'PREROUTING' || chain === 'OUTPUT')));
    if (start) {
      const g = (re) => re.exec(rest)?.[1];
      const v6 = / ip6 saddr /.test(` ${rest}`);
      const proto = / tcp sport /.test(` ${rest}`)
        ? 'tcp'
        : / udp sport /.test(` ${rest}`)
          ? 'udp'
          : / icmp type /.test(` ${rest}`)
            ? 'icmp'
            : undefined;
      const fl = g(/tcp flags == (\S+)/);
      let tcpFlags;
      if (fl)
        tcpFlags = fl.startsWith('0x')
          ? flagsFromBits(parseInt(fl, 16))
          : fl
              .split('|')
              .map((x) => x.toUpperCase())
              .sort();
      const p = {
        fields: {
          ipVersion: v6 ? 6 : 4,
          proto,
          src: expandV6(g(v6 ? /ip6 saddr (\S+)/ : /ip saddr (\S+)/) ?? ''),
          dst: expandV6(g(v6 ? /ip6 daddr (\S+)/ : /ip daddr (\S+)/) ?? ''),
          sport: g(/(?:tcp|udp) sport (\d+)/) ? Number(g(/(?:tcp|udp) sport (\d+)/)) : undefined,
          dport: g(/(?:tcp|udp) dport (\d+)/) ? Number(g(/(?:tcp|udp) dport (\d+)/)) : undefined,
          tcpFlags,
          firstHook: /output/i.test(chain) ? 'output' : 'prerouting',
        },
        steps: [],
      };
      pkts.push(p);
      open.set(id, p);
    }
    const p = open.get(id);
    if (!p || what === 'packet: ') continue;
    if (what === 'policy ') p.steps.push({ family, table, chain, kind: 'policy', verdict: rest.trim() });
    else if (what === 'rule ') {
      const r = /^(.*) \(verdict ([a-z]+)/.exec(rest);
      p.steps.push({ family, table, chain, kind: 'rule', verdict: r?.[2], rule: r?.[1] });
    }
  }
  return pkts;
}

function sameFields(match, f) {
  for (const [k, v] of Object.entries(match)) {
    if (k === 'tcpFlags') {
      if (f.tcpFlags && JSON.stringify([...v].sort()) !== JSON.stringify(f.tcpFlags)) return false;
      continue;
    }
    if (k === 'proto' && f.proto === undefined) continue;
    if (k === 'src' || k === 'dst') {
      if (expandV6(v) !== f[k]) return false;
      continue;
    }
    if (f[k] !== v) return false;
  }
  return true;
}

const stripCounter = (s) =>
  s
    ?.replace(/ ?counter packets \d+ bytes \d+/g, '')
    .replace(/\s+/g, ' ')
    .trim();

let failures = 0;
const report = [];
for (const [dialect, readers] of Object.entries(READERS)) {
  for (const reader of readers) {
    for (const [scenario, exp] of Object.entries(expect.scenarios)) {
      const file = join(dir, dialect, reader, `${scenario}.txt`);
      if (!existsSync(file)) {
        report.push(`MISSING ${dialect}/${reader}/${scenario}`);
        failures++;
        continue;
      }
      const text = readFileSync(file, 'utf8');
      const pkts =
        reader === 'kernlog' ? parseKernlog(text) : reader === 'xtables-monitor' ? parseXtables(text) : parseNft(text);
      const problems = [];
      const counts = JSON.parse(readFileSync(join(dir, dialect, `${scenario}.counts.json`), 'utf8'));
      const exited = counts.readers?.[reader]?.status === 'exited';
      if (pkts.length !== counts.total && !exited)
        problems.push(`packets in capture ${pkts.length} != trace-rule counters ${counts.total}`);
      const save4 = loadSave(join(dir, dialect, 'rules', scenario, 'rules.iptables-save'));
      const save6 = loadSave(join(dir, dialect, 'rules', scenario, 'rules.ip6tables-save'));
      for (const ep of exp.packets) {
        const cands = pkts.filter((p) => sameFields(ep.match, p.fields));
        const p = cands[ep.nth];
        if (!p) {
          if (!exited)
            problems.push(`packet ${JSON.stringify(ep.match)}#${ep.nth} not found (${cands.length} candidates)`);
          continue;
        }
        const ev = ep.verdict;
        if (dialect === 'nft' || reader === 'nft-monitor') {
          const filt = p.steps.filter(
            (s) =>
              (dialect === 'nft' ? s.table === 'filter' : s.table === 'filter') &&
              ['accept', 'drop'].includes(s.verdict),
          );
          const d = filt.at(-1);
          if (!d) {
            if (!exited) problems.push(`#${ep.nth} ${ep.match.proto}: no filter decision`);
            continue;
          }
          const action = d.verdict === 'drop' && /reject/.test(d.rule ?? '') ? 'reject' : d.verdict;
          if (action !== ev.action) problems.push(`#${ep.nth}: action ${action} != ${ev.action}`);
          if (ev.by === 'policy' && d.kind !== 'policy') problems.push(`#${ep.nth}: decided by rule, expected policy`);
          if (dialect === 'nft') {
            if (d.chain !== ev.nft.chain) problems.push(`#${ep.nth}: chain ${d.chain} != ${ev.nft.chain}`);
            if (ev.nft.rule !== null && stripCounter(d.rule) !== ev.nft.rule)
              problems.push(`#${ep.nth}: rule "${d.rule}" != "${ev.nft.rule}"`);
          } else if (d.chain !== ev.iptables.chain)
            problems.push(`#${ep.nth}: chain ${d.chain} != ${ev.iptables.chain}`);
        } else if (reader === 'xtables-monitor') {
          const d = p.steps.filter((s) => s.table === 'filter' && ['accept', 'drop'].includes(s.verdict)).at(-1);
          if (!d) {
            if (!exited) problems.push(`#${ep.nth}: no filter decision`);
            continue;
          }
          const action = d.verdict === 'drop' && / -j REJECT/.test(d.rule ?? '') ? 'reject' : d.verdict;
          if (action !== ev.action) problems.push(`#${ep.nth}: action ${action} != ${ev.action}`);
          if (d.chain !== ev.iptables.chain) problems.push(`#${ep.nth}: chain ${d.chain} != ${ev.iptables.chain}`);
          if (ev.iptables.rule !== null && d.rule !== ev.iptables.rule)
            problems.push(`#${ep.nth}: rule "${d.rule}" != "${ev.iptables.rule}"`);
          if (ev.by === 'policy' && d.kind !== 'policy') problems.push(`#${ep.nth}: expected policy`);
        } else {
          // kernlog: the last filter-table line, resolved against iptables-save
          const save = ep.match.ipVersion === 6 ? save6 : save4;
          const d = p.steps.filter((s) => s.table === 'filter').at(-1);
          if (!d) {
            problems.push(`#${ep.nth}: no filter line`);
            continue;
          }
          if (d.label !== ev.iptables.kernlog)
            problems.push(`#${ep.nth}: last filter line ${d.label} != ${ev.iptables.kernlog}`);
          const rules = save[`filter:${d.chain}`] ?? [];
          const rule = d.num <= rules.length ? rules[d.num - 1] : null;
          if (rule !== ev.iptables.rule) problems.push(`#${ep.nth}: resolved rule "${rule}" != "${ev.iptables.rule}"`);
          if (rule && targetAction(rule) !== ev.action)
            problems.push(`#${ep.nth}: rule action ${targetAction(rule)} != ${ev.action}`);
        }
        // NAT rules seen
        for (const nat of ep.nat ?? []) {
          const want = dialect === 'nft' ? nat.nft : nat.iptables;
          const wants = Array.isArray(want) ? want : [want];
          let seen;
          if (reader === 'kernlog') {
            const save = ep.match.ipVersion === 6 ? save6 : save4;
            seen = p.steps.some((s) =>
              wants.some(
                (w) => s.table === 'nat' && s.chain === w.chain && (save[`nat:${s.chain}`] ?? [])[s.num - 1] === w.rule,
              ),
            );
          } else if (reader === 'xtables-monitor') {
            seen = p.steps.some((s) => s.table === 'nat' && wants.some((w) => s.rule === w.rule));
          } else if (dialect === 'nft') {
            seen = p.steps.some(
              (s) => s.table === 'nat' && wants.some((w) => s.chain === w.chain && stripCounter(s.rule) === w.rule),
            );
          } else {
            seen = p.steps.some(
              (s) =>
                s.table === 'nat' && wants.some((w) => s.chain === w.chain) && /nat|masquerade/i.test(s.rule ?? ''),
            );
          }
          if (!seen) problems.push(`#${ep.nth}: ${nat.kind} rule not seen in ${nat.hook}`);
        }
      }
      const tag = `${dialect}/${reader}/${scenario}`;
      if (problems.length && exited) {
        report.push(
          `PART ${tag}: reader exited ${counts.readers[reader].code} (see ${scenario}.stderr): ${problems.join('; ')}`,
        );
      } else if (problems.length) {
        failures++;
        report.push(`FAIL ${tag}: ${problems.join('; ')}`);
      } else
        report.push(
          `ok   ${tag} (${pkts.length} packets${exited ? `, reader exited ${counts.readers[reader].code}` : ''})`,
        );
    }
  }
}
console.log(report.join('\n'));
process.exitCode = failures ? 1 : 0;
