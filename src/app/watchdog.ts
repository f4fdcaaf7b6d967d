// The watchdog (`fwtrace __watchdog STATE`): outlives a SIGKILL of the main process and then removes
// exactly what that run added. It exits by itself once the main process has cleaned up (state file gone).
import { isAlive } from '../sys/host.js';
import { readState } from '../sys/session-state.js';
import { undoSession } from './undo.js';

const POLL_MS = 250;

export async function runWatchdog(statePath: string): Promise<number> {
  for (;;) {
    const state = await readState(statePath);
    if (!state) return 0;
    if (!isAlive(state.pid)) {
      const report = await undoSession(state);
      return report.leftovers.length === 0 ? 0 : 3;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
