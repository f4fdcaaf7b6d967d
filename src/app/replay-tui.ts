// `fwtrace replay --tui`: the replay feeds the terminal UI, which stays up until `q` (or a signal).
import type { Renderer } from '../ui/renderer.js';
import type { StreamSink } from '../sys/stdout-sink.js';
import { runReplay, type ReplayConfig } from './replay.js';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** Runs the replay into `tui`, then waits for the user to quit; the screen is closed on every path. */
export async function runReplayTui(
  cfg: ReplayConfig,
  tui: Renderer,
  quit: Promise<void>,
  sink: StreamSink,
): Promise<number> {
  const got: { signal: NodeJS.Signals | null } = { signal: null };
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (wake = r));
  const handlers = SIGNALS.map((s) => {
    const h = (): void => {
      got.signal = s;
      wake();
    };
    process.on(s, h);
    return [s, h] as const;
  });
  try {
    await Promise.race([runReplay(cfg, tui, sink), stopped]);
    await Promise.race([quit, stopped]);
    return 0;
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
    await tui.close();
    // A hang-up or kill ends the replay like `q` does: the screen is restored first.
    if (got.signal) process.stderr.write(`fwtrace: stopped by ${got.signal}\n`);
  }
}
