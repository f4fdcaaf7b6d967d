// Undoing what a session added, and checking that it is really gone. Used on every exit path, by the
// watchdog after SIGKILL, and by `fwtrace cleanup`.
import type { CommandSpec } from '../model/command.js';
import { displayCommand } from '../sys/command.js';
import { runCommand } from '../sys/exec.js';
import { isAlive, readSysctl, writeSysctl } from '../sys/host.js';
import { deleteState, listStates, writeState, type SessionState } from '../sys/session-state.js';
import { removeSessionInstance } from '../sys/tracefs.js';

export interface UndoReport {
  /** Commands that could not remove their object (it is still there). */
  readonly leftovers: readonly string[];
  readonly sysctlRestored: string | null;
}

/** The command that succeeds only while the object a remove command deletes still exists. */
export function existsCheck(remove: CommandSpec): CommandSpec | null {
  const a = remove.argv;
  if (a[0] === 'nft' && a[1] === 'delete' && a[2] === 'table')
    return { ...remove, argv: ['nft', 'list', 'table', ...a.slice(3)] };
  const d = a.indexOf('-D');
  if (d > 0) return { ...remove, argv: [...a.slice(0, d), '-C', ...a.slice(d + 1)] };
  return null;
}

/** The command that succeeds only while the object an install command added is still there. */
export function installedCheck(install: CommandSpec): CommandSpec | null {
  const a = install.argv;
  if (a[0] === 'nft' && a[1] === '-f') {
    const m = /^table (\S+) (\S+) \{/m.exec(install.stdin ?? '');
    return m ? { argv: ['nft', 'list', 'table', m[1]!, m[2]!], netns: install.netns ?? null } : null;
  }
  const i = a.indexOf('-I');
  const chain = a[i + 1];
  if (i <= 0 || chain === undefined) return null;
  const rest = /^\d+$/.test(a[i + 2] ?? '') ? a.slice(i + 3) : a.slice(i + 2);
  return { ...install, argv: [...a.slice(0, i), '-C', chain, ...rest] };
}

/** Runs the remove commands; an object already gone is fine. Reports what is provably still there. */
export async function removeAll(remove: readonly CommandSpec[]): Promise<string[]> {
  const leftovers: string[] = [];
  for (const cmd of remove) {
    await runCommand(cmd);
    const check = existsCheck(cmd);
    if (check && (await runCommand(check)).ok) leftovers.push(displayCommand(cmd));
  }
  return leftovers;
}

/**
 * What a run that sets `key` must put back when it ends: the value from before any live fwtrace run
 * changed it. A live session that set it first holds that value; this one inherits it, so whichever
 * run ends last restores the original (restoreSysctl skips while another live session needs the key).
 */
export async function sysctlToRestore(session: string, key: string): Promise<{ key: string; restore: string } | null> {
  const holder = (await listStates()).find((s) => s.session !== session && s.sysctl?.key === key && isAlive(s.pid));
  if (holder?.sysctl) return { key, restore: holder.sysctl.restore };
  const now = await readSysctl(key);
  return now === null ? null : { key, restore: now };
}

/** Puts a sysctl back unless another live session still needs the value. */
async function restoreSysctl(state: SessionState): Promise<string | null> {
  if (!state.sysctl) return null;
  const others = (await listStates()).filter(
    (s) => s.session !== state.session && s.sysctl?.key === state.sysctl?.key && isAlive(s.pid),
  );
  if (others.length > 0) return null;
  await writeSysctl(state.sysctl.key, state.sysctl.restore).catch(() => undefined);
  const now = await readSysctl(state.sysctl.key);
  return now === state.sysctl.restore ? `${state.sysctl.key}=${state.sysctl.restore}` : null;
}

/**
 * Undoes one session completely and forgets it (unless something is left behind). The run gives up its
 * claim on the sysctl before it looks for other claimants: of two runs ending at once, the later one to
 * look always finds nobody and restores (both seeing each other, and neither restoring, cannot happen).
 */
export async function undoSession(state: SessionState): Promise<UndoReport> {
  // The tracefs instance of the kernel drop reasons is named after the session: nothing to record.
  const leftovers = [...(await removeAll(state.remove)), ...(await removeSessionInstance(state.session))];
  if (state.sysctl) await writeState({ ...state, sysctl: null }).catch(() => undefined);
  const sysctlRestored = await restoreSysctl(state);
  if (leftovers.length === 0) await deleteState(state.session);
  return { leftovers, sysctlRestored };
}
