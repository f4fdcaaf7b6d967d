// --dry-run: the exact commands a run would execute, and nothing executed.
import type { TracePlan } from '../model/plan.js';
import { displayCommand, fullArgv } from '../sys/command.js';

export function formatPlan(plan: TracePlan, reasons: readonly string[]): string {
  // As sys/reader-process.ts starts it: setpriv outside, the netns wrapper inside.
  const reader = displayCommand({ argv: ['setpriv', '--pdeathsig', 'KILL', '--', ...fullArgv(plan.reader)] });
  const lines = [
    `# fwtrace --dry-run: nothing was changed. Backend ${plan.backend} (${reasons.join('; ')}), session ${plan.session}`,
    '# arm:',
    ...(plan.sysctl ? [`sysctl -w ${plan.sysctl.key}=${plan.sysctl.value}   # restored on exit`] : []),
    ...plan.install.map(displayCommand),
    '# read:',
    reader,
    '# disarm (on every exit path; a watchdog does it if fwtrace is killed):',
    ...plan.remove.map(displayCommand),
  ];
  return lines.join('\n') + '\n';
}
