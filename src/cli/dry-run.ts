// --dry-run: the exact commands a run would execute, and nothing executed.
import type { TracePlan } from '../model/plan.js';
import { displayCommand, fullArgv } from '../sys/command.js';
import { instanceName } from '../sys/tracefs.js';

/** `hostChecks`: the run would also read the kernel's drop reasons (its own tracefs instance) and run host checks. */
export function formatPlan(plan: TracePlan, reasons: readonly string[], hostChecks = false): string {
  // As sys/reader-process.ts starts it: setpriv outside, the netns wrapper inside.
  const reader = displayCommand({ argv: ['setpriv', '--pdeathsig', 'KILL', '--', ...fullArgv(plan.reader)] });
  const lines = [
    `# fwtrace --dry-run: nothing was changed. Backend ${plan.backend} (${reasons.join('; ')}), session ${plan.session}`,
    '# arm:',
    ...(plan.sysctl ? [`sysctl -w ${plan.sysctl.key}=${plan.sysctl.value}   # restored on exit`] : []),
    ...plan.install.map(displayCommand),
    '# read:',
    reader,
    ...(hostChecks
      ? [
          `# kernel drop reasons: tracefs instance instances/${instanceName(plan.session)} with only skb:kfree_skb enabled (filtered to IPv4/IPv6), read from its trace_pipe`,
          '# host checks (read-only): sysctls, ip -j addr, ss, ip route get for traced packets (--no-host-checks: none of this)',
        ]
      : []),
    `# disarm (on every exit path; a watchdog does it if fwtrace is killed${hostChecks ? '; the tracefs instance is removed too' : ''}):`,
    ...plan.remove.map(displayCommand),
  ];
  return lines.join('\n') + '\n';
}
