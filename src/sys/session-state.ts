// Session state files: what each running fwtrace added and how to undo it. Read by the watchdog (after
// SIGKILL) and by `fwtrace cleanup`.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import type { CommandSpec } from '../model/command.js';
import type { BackendId } from '../model/plan.js';
import { EXIT, ToolError } from '../errors.js';

export interface SessionState {
  readonly session: string;
  readonly pid: number;
  readonly backend: BackendId;
  readonly netns: string | null;
  readonly started: string;
  /** Exactly the commands that undo what the run added. */
  readonly remove: readonly CommandSpec[];
  /** A sysctl the run changed, with the value to put back. */
  readonly sysctl: { readonly key: string; readonly restore: string } | null;
}

/** /run is tmpfs: state does not outlive a reboot, and neither do the rules. */
export const STATE_DIR = process.env['FWTRACE_STATE_DIR'] ?? '/run/fwtrace';

export function statePath(session: string): string {
  return `${STATE_DIR}/${session}.json`;
}

/** Writes the state file before anything changes; failing here is an error the user can act on. */
export async function writeState(state: SessionState): Promise<string> {
  const path = statePath(state.session);
  try {
    await mkdir(STATE_DIR, { recursive: true, mode: 0o700 });
    // Written aside and renamed: the watchdog or `cleanup` never reads half a file (and then thinks there is nothing to undo).
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ToolError(
      `cannot write the session state file ${path} (${why}); nothing was changed`,
      EXIT.runtime,
      'fwtrace records there what it must undo; check that the directory (FWTRACE_STATE_DIR, default /run/fwtrace) can be created and written',
    );
  }
  return path;
}

export async function readState(path: string): Promise<SessionState | null> {
  try {
    const s = JSON.parse(await readFile(path, 'utf8')) as SessionState;
    return typeof s.session === 'string' && typeof s.pid === 'number' && Array.isArray(s.remove) ? s : null;
  } catch {
    return null;
  }
}

export async function listStates(): Promise<SessionState[]> {
  const names = await readdir(STATE_DIR).catch(() => [] as string[]);
  const states = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readState(`${STATE_DIR}/${n}`)));
  return states.filter((s): s is SessionState => s !== null);
}

export async function deleteState(session: string): Promise<void> {
  await rm(statePath(session), { force: true });
}
