// `fwtrace doctor`: what is installed, what holds rules, which backend `auto` would pick and why.
import { chooseBackend, missingFor } from '../backends/choose.js';
import { probeHost } from '../backends/probe.js';
import type { BackendId } from '../model/plan.js';
import { runCommand } from '../sys/exec.js';
import { isRoot, readSysctl } from '../sys/host.js';
import { findStale } from './stale.js';
import { parseKfreeSkbFormat } from '../host/kfree-skb.js';
import { mountedRoot, readDropEventFormat } from '../sys/tracefs.js';

/** Whether live runs can read the kernel's drop reasons (skb:kfree_skb through tracefs), without mounting anything. */
async function dropReasonsText(): Promise<string> {
  const root = await mountedRoot();
  if (root === null) return 'tracefs is not mounted (a live run mounts it on /sys/kernel/tracing and says so)';
  const format = await readDropEventFormat(root);
  if (!format.ok) return `unavailable: ${format.reason}`;
  const parsed = parseKfreeSkbFormat(format.value);
  if (!parsed.hasReason) return 'unavailable: this kernel (before 5.17) gives no reason in skb:kfree_skb';
  return `available (skb:kfree_skb in ${root}, ${parsed.reasons.byName.size} reasons known)`;
}

export async function runDoctor(netns: string | null, say: (line: string) => void): Promise<number> {
  say(`running as ${isRoot() ? 'root' : 'a normal user (live tracing needs root; replay does not)'}`);
  const facts = await probeHost(netns);
  say(`programs missing: ${facts.missing.length > 0 ? facts.missing.join(', ') : 'none'}`);
  say(
    `rules: iptables-legacy ${facts.legacyRules}, iptables-nft ${facts.xtablesRules}, native nft tables: ${facts.nativeTables.join(', ') || 'none'}`,
  );
  for (const b of ['nft', 'xtables', 'legacy'] as BackendId[]) {
    const missing = missingFor(b, facts);
    say(`backend ${b}: ${missing.length === 0 ? 'available' : `needs ${missing.join(', ')}`}`);
  }
  const choice = chooseBackend(facts);
  say(`--backend auto would use: ${choice.backend}`);
  for (const r of choice.reasons) say(`  because ${r}`);
  say(`kernel log: /dev/kmsg ${facts.kmsgReadable ? 'readable' : 'not readable (journalctl -k -f is used instead)'}`);
  say(
    `net.netfilter.nf_log_all_netns = ${(await readSysctl('net.netfilter.nf_log_all_netns')) ?? 'absent'} (legacy TRACE inside a network namespace needs 1; fwtrace sets and restores it)`,
  );
  const nflog = await runCommand({ argv: ['cat', '/proc/net/netfilter/nf_log'], netns });
  for (const line of nflog.stdout.split('\n').filter((l) => /^\s*(2|10)\s/.test(l)))
    say(`packet logger: ${line.trim()}`);
  say(`kernel drop reasons: ${await dropReasonsText()}`);
  const stale = await findStale(netns);
  say(
    stale.length > 0
      ? `leftovers of runs that are gone: ${stale.map((s) => s.session).join(', ')} (run fwtrace cleanup)`
      : 'no leftovers of earlier runs',
  );
  return 0;
}
