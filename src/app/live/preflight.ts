// Things worth saying before tracing starts: leftovers of dead runs, and kernel-log routing problems.
import type { TracePlan } from '../../model/plan.js';
import { runCommand } from '../../sys/exec.js';
import { findStale } from '../stale.js';

/** Reports (never removes) what dead fwtrace runs left behind here. */
export async function warnAboutLeftovers(plan: TracePlan, warn: (m: string) => void): Promise<void> {
  const stale = await findStale(plan.netns);
  for (const s of stale) {
    const ns = plan.netns ? ` --netns ${plan.netns}` : '';
    warn(
      `found trace rules of a fwtrace run that is gone (session ${s.session}); remove them with: fwtrace cleanup${ns}`,
    );
  }
}

/** TRACE goes to whatever logger is bound for the family; nfnetlink_log means nothing reaches the kernel log. */
export async function warnAboutLogging(plan: TracePlan, warn: (m: string) => void): Promise<void> {
  const r = await runCommand({ argv: ['cat', '/proc/net/netfilter/nf_log'], netns: plan.netns });
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(2|10)\s+(\S+)/.exec(line);
    if (m && m[2] === 'nfnetlink_log') {
      warn(nfnetlinkLogWarning(m[1] === '2' ? 2 : 10, plan.netns));
    }
  }
}

/** TRACE of one family goes to NFLOG (ulogd): how to bind the kernel log's logger again. */
export function nfnetlinkLogWarning(family: 2 | 10, netns: string | null): string {
  const fam = family === 2 ? 'IPv4' : 'IPv6';
  // The file takes a logger's name (nf_log_ipv4, nf_log_ipv6), not its module's (nf_log_syslog: I/O error).
  const logger = family === 2 ? 'nf_log_ipv4' : 'nf_log_ipv6';
  const inNs = netns === null ? '' : `ip netns exec ${netns} `;
  return `${fam} packet logging is bound to nfnetlink_log (ulogd?): TRACE lines will not reach the kernel log. To read them here: ${inNs}sh -c 'echo ${logger} > /proc/sys/net/netfilter/nf_log/${family}' (or replay ulogd's output with fwtrace replay)`;
}
