// `fwtrace cleanup`: removes what fwtrace runs that are gone left behind, and only that.
import { displayCommand } from '../sys/command.js';
import { EXIT } from '../errors.js';
import { findStale } from './stale.js';
import { removeAll, undoSession } from './undo.js';

/** Cleans the root namespace (or `netns`); `say` gets one line per finding. Returns the exit code. */
export async function runCleanup(netns: string | null, dryRun: boolean, say: (line: string) => void): Promise<number> {
  const stale = await findStale(netns);
  if (stale.length === 0) {
    say(`nothing to clean up${netns ? ` in netns ${netns}` : ''}: no trace rules of fwtrace runs that are gone`);
    return EXIT.ok;
  }
  let left = 0;
  for (const s of stale) {
    if (dryRun) {
      say(`session ${s.session} (process gone): would run`);
      for (const c of s.remove) say(`  ${displayCommand(c)}`);
      continue;
    }
    const leftovers = s.state ? (await undoSession(s.state)).leftovers : await removeAll(s.remove);
    left += leftovers.length;
    say(
      leftovers.length === 0
        ? `session ${s.session}: removed ${s.remove.length} object(s)`
        : `session ${s.session}: could not remove:\n${leftovers.map((l) => `  ${l}`).join('\n')}`,
    );
  }
  return left > 0 ? EXIT.leftovers : EXIT.ok;
}
