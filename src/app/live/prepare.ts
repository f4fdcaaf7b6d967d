// Everything a live run decides before it changes anything: root, netns, backend, the plan. Any problem
// here is a ToolError and nothing has been touched.
import { randomInt } from 'node:crypto';
import type { FlowSpec } from '../../model/flow.js';
import type { BackendId, TracePlan } from '../../model/plan.js';
import type { ProbeRun } from '../../model/probe.js';
import { chooseBackend, missingFor } from '../../backends/choose.js';
import { buildPlan } from '../../backends/plan.js';
import { probeHost } from '../../backends/probe.js';
import { newSession } from '../../backends/session.js';
import { EXIT, ToolError } from '../../errors.js';
import { runCommand } from '../../sys/exec.js';
import { canRead, isRoot } from '../../sys/host.js';

export interface LiveConfig {
  readonly flow: FlowSpec;
  readonly backend: 'auto' | BackendId;
  readonly netns: string | null;
  /** Traced packets per second; null with --no-rate-limit. */
  readonly rate: number | null;
  /** Stop after this many complete traces. */
  readonly count: number | null;
  readonly timeoutSec: number | null;
  /** --probe: one packet sent once armed (planned by app/live/probe.ts); null without --probe. */
  readonly probe: ProbeRun | null;
  /** Kernel drop reasons (tracefs) and host checks for each trace; false with --no-host-checks. */
  readonly hostChecks: boolean;
}

export interface Prepared {
  readonly plan: TracePlan;
  readonly reasons: readonly string[];
}

const INSTALL_HINT: Record<string, string> = {
  nft: 'apt-get install nftables',
  'xtables-monitor': 'apt-get install iptables',
  'iptables-legacy': 'apt-get install iptables',
  dmesg: 'apt-get install util-linux',
};

/** Checks that a named network namespace exists (`ip netns list`). */
async function checkNetns(netns: string): Promise<void> {
  const r = await runCommand({ argv: ['ip', 'netns', 'list'] });
  const names = r.stdout.split('\n').map((l) => l.split(' ')[0]);
  if (!names.includes(netns))
    throw new ToolError(`no network namespace named "${netns}"`, EXIT.usage, 'see `ip netns list`');
}

/** Root, netns, backend and plan; `requireRoot` is false only for --dry-run with an explicit backend. */
export async function prepareLive(cfg: LiveConfig, requireRoot: boolean): Promise<Prepared> {
  if (requireRoot && !isRoot()) {
    throw new ToolError(
      'live tracing changes the firewall and reads kernel events: it needs root',
      EXIT.needsRoot,
      'run it with sudo, or use `fwtrace replay FILE` on saved output (no root needed)',
    );
  }
  if (cfg.netns !== null && isRoot()) await checkNetns(cfg.netns);
  let backend: BackendId;
  let reasons: readonly string[];
  let kmsgReadable = await canRead('/dev/kmsg');
  if (cfg.backend === 'auto') {
    const facts = await probeHost(cfg.netns);
    const choice = chooseBackend(facts);
    backend = choice.backend;
    reasons = choice.reasons;
    kmsgReadable = facts.kmsgReadable;
    const missing = missingFor(backend, facts);
    if (missing.length > 0) {
      throw new ToolError(
        `the ${backend} backend needs ${missing.join(', ')}, which is not installed`,
        EXIT.runtime,
        missing.map((m) => INSTALL_HINT[m] ?? m).join('; '),
      );
    }
  } else {
    backend = cfg.backend;
    reasons = ['chosen with --backend'];
  }
  const session = newSession(process.pid, randomInt(0x10000));
  const plan = buildPlan({ backend, session, netns: cfg.netns, rate: cfg.rate, flow: cfg.flow, kmsgReadable });
  if (!plan.ok) throw new ToolError(plan.error, EXIT.usage);
  return { plan: plan.value, reasons };
}
