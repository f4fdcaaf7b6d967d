// `fwtrace cleanup`: removes what fwtrace runs that are gone left behind, and only that.
import { sessionPid } from '../backends/session.js';
import { displayCommand } from '../sys/command.js';
import { isAlive } from '../sys/host.js';
import { instanceName, instanceSessions, removeSessionInstance, sessionInstancePath } from '../sys/tracefs.js';
import { EXIT } from '../errors.js';
import { findStale } from './stale.js';
import { removeAll, undoSession } from './undo.js';

/** tracefs instances (kernel drop reasons) of dead runs that have no state file any more; tracefs is not per netns. */
async function orphanInstances(known: ReadonlySet<string>): Promise<string[]> {
  return (await instanceSessions()).filter((s) => {
    const pid = sessionPid(s);
    return !known.has(s) && pid !== null && !isAlive(pid);
  });
}

/** Cleans the root namespace (or `netns`); `say` gets one line per finding. Returns the exit code. */
export async function runCleanup(netns: string | null, dryRun: boolean, say: (line: string) => void): Promise<number> {
  const stale = await findStale(netns);
  const instances = netns === null ? await orphanInstances(new Set(stale.map((s) => s.session))) : [];
  if (stale.length === 0 && instances.length === 0) {
    say(`nothing to clean up${netns ? ` in netns ${netns}` : ''}: no trace rules of fwtrace runs that are gone`);
    return EXIT.ok;
  }
  let left = 0;
  for (const s of stale) {
    if (dryRun) {
      say(`session ${s.session} (process gone): would run`);
      for (const c of s.remove) say(`  ${displayCommand(c)}`);
      const instance = await sessionInstancePath(s.session);
      if (instance !== null) say(`  rmdir ${instance}`);
      continue;
    }
    const leftovers = s.state
      ? (await undoSession(s.state)).leftovers
      : [...(await removeAll(s.remove)), ...(await removeSessionInstance(s.session))];
    left += leftovers.length;
    say(
      leftovers.length === 0
        ? `session ${s.session}: removed ${s.remove.length} object(s)`
        : `session ${s.session}: could not remove:\n${leftovers.map((l) => `  ${l}`).join('\n')}`,
    );
  }
  for (const session of instances) {
    if (dryRun) {
      say(`session ${session} (process gone): would run`);
      say(`  rmdir ${(await sessionInstancePath(session)) ?? instanceName(session)}`);
      continue;
    }
    const leftovers = await removeSessionInstance(session);
    left += leftovers.length;
    say(
      leftovers.length === 0
        ? `session ${session}: removed its tracefs instance`
        : `session ${session}: could not remove:\n${leftovers.map((l) => `  ${l}`).join('\n')}`,
    );
  }
  return left > 0 ? EXIT.leftovers : EXIT.ok;
}
