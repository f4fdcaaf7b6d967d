// Loads the generated rules into the real nft / iptables, each in a PRIVATE network namespace
// (`unshare -n`, argv arrays, never a shell); never touches the root namespace's firewall.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FlowOptions } from '../../src/flow/parse-flow.js';
import { flowToIptables } from '../../src/flow/to-iptables.js';
import { flowToNft, nftRuleText } from '../../src/flow/to-nft.js';
import { spec } from './helpers.js';

/** Runs argv in a fresh network namespace; returns stdout, or throws with stderr. */
function inNetns(argv: readonly string[], input?: string): string {
  try {
    return execFileSync('unshare', ['-n', ...argv], { input: input ?? '', stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${argv.join(' ')}: ${err.stderr?.trim() || err.message}`, { cause: e });
  }
}

function probe(argv: readonly string[]): string | null {
  try {
    inNetns(argv);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const notRoot = process.getuid?.() === 0 ? null : 'not root';
const base = notRoot ?? probe(['true']);
const nftSkip = base ?? probe(['nft', '--version']);
const skips: Record<string, string | null> = {
  nft: nftSkip,
  'iptables-nft': base ?? probe(['iptables-nft', '-t', 'raw', '-S']),
  'ip6tables-nft': base ?? probe(['ip6tables-nft', '-t', 'raw', '-S']),
  'iptables-legacy': base ?? probe(['iptables-legacy', '-t', 'raw', '-S']),
  'ip6tables-legacy': base ?? probe(['ip6tables-legacy', '-t', 'raw', '-S']),
};
for (const [tool, reason] of Object.entries(skips)) {
  if (reason !== null) console.log(`flow kernel check skipped for ${tool}: ${reason}`);
}

const FILTERS: readonly (readonly [string, FlowOptions])[] = [
  ['', {}],
  ['tcp', { iif: 'eth0' }],
  ['ip6 and udp', { iif: 'veth+' }],
  ['icmp or icmp6', {}],
  ['host 10.0.0.1 and tcp dst port 22', {}],
  ['not host 10.0.0.1', {}],
  ['not port 22', { iif: 'eth0' }],
  ['tcp and not port 22', {}],
  ['not src port 22 and not dst port 80 and udp', {}],
  ['dst portrange 1000-2000 and not dst port 1500', {}],
  ['src net 10.0.0.0/8 and not src net 10.1.0.0/16 and not src host 10.2.3.4', {}],
  ['not dst net 2001:db8::/32 and not dst host ::1 and tcp', {}],
  ['net fe80::/10 and icmp6', {}],
  ['not (tcp or udp or icmp)', {}],
  ['not ip6 and not tcp', {}],
  ['src host ::ffff:1.2.3.4 and port https', {}],
  ['tcp and not (dst port 1 or dst port 2 or dst port 3 or dst portrange 10-20)', {}],
  ['not host 10.0.0.1 and not host 10.0.0.2', {}],
  ['udp port 53', { oif: 'wg+' }],
  // More than 15 negated ports: several multiport matches in one iptables rule.
  [`tcp and ${Array.from({ length: 17 }, (_, i) => `not dst port ${100 + i}`).join(' and ')}`, {}],
];

/** `!=` merged into a wider compare (nft 1.0.6 optimiser bug): a transport load over 2 bytes or an 8-byte IPv4 pair. */
function mergedInequality(bytecode: string): string | null {
  let load = '';
  for (const line of bytecode.split('\n')) {
    if (line.includes('payload load')) load = line;
    const neq = /\[ (?:cmp|range) neq/.test(line);
    const wide = /payload load ([3-9]|\d\d)b @ transport header/.test(load) || /load 8b @ network header/.test(load);
    if (neq && wide) return `${load.trim()} / ${line.trim()}`;
  }
  return null;
}

describe.skipIf(nftSkip !== null)('nft accepts the rules (private netns)', () => {
  it.each(FILTERS)('%j %j', (filter, opts) => {
    for (const tokens of flowToNft(spec(filter, opts))) {
      const rule = nftRuleText(tokens);
      const text = [
        'table inet fwt_flowtest {',
        '  chain pre {',
        '    type filter hook prerouting priority -350;',
        `    ${rule} meta nftrace set 1`,
        '  }',
        '}',
        '',
      ].join('\n');
      const bytecode = inNetns(['nft', '--debug=netlink', '-f', '-'], text);
      expect(mergedInequality(bytecode), rule).toBeNull();
    }
  });
});

for (const [cmd, version] of [
  ['iptables-nft', 4],
  ['ip6tables-nft', 6],
  ['iptables-legacy', 4],
  ['ip6tables-legacy', 6],
] as const) {
  describe.skipIf(skips[cmd] !== null)(`${cmd} accepts the rules (private netns)`, () => {
    it.each(FILTERS)('%j %j', (filter, opts) => {
      const rules = flowToIptables(spec(filter, opts));
      // iptables refuses -o in PREROUTING and -i in OUTPUT.
      const chain = opts.oif === undefined ? 'PREROUTING' : 'OUTPUT';
      for (const argv of version === 4 ? rules.v4 : rules.v6) {
        inNetns([cmd, '-t', 'raw', '-A', chain, ...argv, '-j', 'TRACE']);
      }
    });
  });
}
