// --dry-run --probe: the packet that would be sent once armed, and the exact command that sends it.
import type { ProbeRun } from '../model/probe.js';
import { describeProbe } from '../probe/plan.js';
import { displayCommand } from '../sys/command.js';
import { probeCommand } from '../sys/probe-send.js';
import { TCP_WAIT_MS } from '../probe/sender-protocol.js';

export function formatProbePlan(probe: ProbeRun, count: number | null): string {
  const where = probe.from === null ? 'this host' : `netns ${probe.from}`;
  const source = probe.spec.src === null ? '; source address: the kernel picks it' : '';
  const quiet = probe.noTrace.afterSec;
  const its = count === 1 ? 'its trace' : `${count} traces`;
  const end =
    count !== null && probe.noTrace.stop
      ? `stops after ${its} (--count ${count}), or ${quiet} s after it if no trace shows up`
      : count !== null
        ? `stops after ${its} (--count ${count}); if no trace shows up within ${quiet} s, it says so`
        : probe.noTrace.stop
          ? `stops ${quiet} s after it if no trace shows up`
          : `says so if no trace shows up within ${quiet} s`;
  const cmd = probeCommand(probe.spec, probe.from);
  return [
    `# probe, sent once armed from ${where}: ${describeProbe(probe.spec)}${source}; the run ${end}`,
    cmd
      ? displayCommand(cmd)
      : `# (sent by fwtrace itself: ${probe.spec.proto === 'tcp' ? `a connect() abandoned after ${TCP_WAIT_MS} ms` : "one datagram, 'fwtrace probe'"})`,
    '',
  ].join('\n');
}
