// Starting the watchdog: a detached copy of this CLI (`fwtrace __watchdog STATE`) in its own session,
// so it outlives a SIGKILL of the main process and removes the rules then.
import { spawn } from 'node:child_process';

export interface WatchdogHandle {
  readonly pid: number | undefined;
  /** Tells the watchdog it is no longer needed (the main process cleaned up itself). */
  stop(): void;
}

export function spawnWatchdog(statePath: string): WatchdogHandle {
  const script = process.argv[1] ?? '';
  const child = spawn(process.execPath, [script, '__watchdog', statePath], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
  return {
    pid: child.pid,
    stop: () => {
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    },
  };
}
