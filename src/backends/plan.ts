// FlowSpec + backend + session → the exact commands of a run (what --dry-run prints). Pure.
import type { FlowSpec } from '../model/flow.js';
import type { BackendId, TracePlan } from '../model/plan.js';
import type { Result } from '../model/common.js';
import type { CommandSpec } from '../model/command.js';
import { flowToIptables } from '../flow/to-iptables.js';
import { flowToNft } from '../flow/to-nft.js';
import { legacyRuleCommands } from './legacy-rules-plan.js';
import { nftTableCommands } from './nft-table-plan.js';

export interface PlanInput {
  readonly backend: BackendId;
  readonly session: string;
  readonly netns: string | null;
  /** Traced packets per second; null = no limit. */
  readonly rate: number | null;
  readonly flow: FlowSpec;
  /** Whether /dev/kmsg can be read; if not, the legacy backend reads `journalctl -k -f`. */
  readonly kmsgReadable: boolean;
}

const NFT_SNAPSHOT = (netns: string | null): CommandSpec => ({ argv: ['nft', '-j', 'list', 'ruleset'], netns });

/** The plan, or why this flow cannot be traced with this backend. */
export function buildPlan(p: PlanInput): Result<TracePlan, string> {
  const common = { backend: p.backend, session: p.session, netns: p.netns };
  if (p.backend === 'legacy') {
    const rules = legacyRuleCommands(flowToIptables(p.flow), p.session, p.rate, p.netns);
    if (rules.install.length === 0) {
      return {
        ok: false,
        error:
          'iptables-legacy TRACE works only in the raw table (PREROUTING, OUTPUT): a filter with both -i and -o cannot be traced; drop one of them',
      };
    }
    const reader: CommandSpec = p.kmsgReadable
      ? { argv: ['dmesg', '--follow-new', '--raw'] }
      : { argv: ['journalctl', '-k', '-f', '-n', '0', '-o', 'json'] };
    return {
      ok: true,
      value: {
        ...common,
        install: rules.install,
        remove: rules.remove,
        reader,
        readerDialect: 'kernlog',
        ready: p.kmsgReadable ? { kind: 'open-file', path: '/dev/kmsg' } : { kind: 'settle', ms: 500 },
        snapshot: [
          { argv: ['iptables-legacy-save', '-c'], netns: p.netns },
          { argv: ['ip6tables-legacy-save', '-c'], netns: p.netns },
        ],
        // The kernel log shows TRACE from other namespaces only with this (net/netfilter/nf_log_syslog.c).
        sysctl: p.netns !== null ? { key: 'net.netfilter.nf_log_all_netns', value: '1', netns: null } : null,
      },
    };
  }
  const table = nftTableCommands(p.session, flowToNft(p.flow), p.rate, p.netns);
  const xtables = p.backend === 'xtables';
  return {
    ok: true,
    value: {
      ...common,
      install: table.install,
      remove: table.remove,
      reader: xtables
        ? { argv: ['xtables-monitor', '--trace'], netns: p.netns }
        : { argv: ['nft', '-a', 'monitor', 'trace'], netns: p.netns },
      readerDialect: xtables ? 'xtables' : 'nft',
      ready: { kind: 'nftrace-socket' },
      snapshot: xtables
        ? // nft -a text (not -j): it renders iptables-nft's xt matches the way the monitor prints them.
          [
            { argv: ['nft', '-a', 'list', 'ruleset'], netns: p.netns },
            { argv: ['iptables-nft-save', '-c'], netns: p.netns },
            { argv: ['ip6tables-nft-save', '-c'], netns: p.netns },
          ]
        : [NFT_SNAPSHOT(p.netns)],
      sysctl: null,
    },
  };
}

/** The reader that takes over when xtables-monitor dies: nft sees the same events. */
export function fallbackReader(plan: TracePlan): CommandSpec {
  return { argv: ['nft', '-a', 'monitor', 'trace'], netns: plan.netns };
}
