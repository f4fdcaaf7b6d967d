// The only place that creates and destroys the blessed screen. It leaves process signals to the app: the
// SIGTERM/SIGINT/SIGQUIT and uncaughtException listeners blessed adds are removed at once (see docs/tui.md).
import type { Readable, Writable } from 'node:stream';
import blessed from 'blessed';
import type { TerminalSetup } from './terminal.js';

/** The few blessed internals we read or set (not in @types/blessed). */
interface TputBits {
  colors?: number;
  brokenACS?: boolean;
  error?: Error | null;
}

export interface OpenScreen {
  readonly screen: blessed.Widgets.Screen;
  /** Colours terminfo reports (`tput colors`). */
  readonly terminfoColors: number | undefined;
  /** blessed's terminfo problem, if it had one (it then uses its built-in xterm entry). */
  readonly terminfoError: string | null;
  /** The process `exit` listeners blessed added (they restore the terminal if the process exits first). */
  readonly exitListeners: readonly ((...args: unknown[]) => void)[];
}

type Listener = (...args: unknown[]) => void;
const TAKEN_BACK = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'uncaughtException'] as const;
const proc = process as unknown as NodeJS.EventEmitter;

function listeners(event: string): Listener[] {
  return proc.listeners(event) as Listener[];
}

/** Creates the screen with console.error muted (terminfo compile dumps) and blessed's process handlers removed. */
export function openScreen(input: Readable, output: Writable, setup: TerminalSetup): OpenScreen {
  const before = new Map<string, Set<Listener>>(TAKEN_BACK.map((e) => [e, new Set(listeners(e))]));
  const exitBefore = new Set(listeners('exit'));
  const consoleError = console.error;
  let screen: blessed.Widgets.Screen;
  console.error = () => {};
  try {
    screen = blessed.screen({
      // @types/blessed has input and output swapped.
      input: input as unknown as Writable,
      output: output as unknown as Readable,
      terminal: setup.terminal,
      fullUnicode: true,
      forceUnicode: setup.unicode,
      warnings: false,
      autoPadding: false,
      smartCSR: false,
      sendFocus: false,
    });
  } finally {
    console.error = consoleError;
    for (const e of TAKEN_BACK) {
      for (const l of listeners(e)) if (!before.get(e)!.has(l)) proc.removeListener(e, l);
    }
  }
  const tput = screen.tput as unknown as TputBits;
  if (setup.unicodeBoxes) tput.brokenACS = true;
  return {
    screen,
    terminfoColors: typeof tput.colors === 'number' ? tput.colors : undefined,
    terminfoError: tput.error ? tput.error.message : null,
    exitListeners: listeners('exit').filter((l) => !exitBefore.has(l)),
  };
}

/** Leaves the alternate screen, shows the cursor, gives the tty back; never throws (the tty may be gone: EIO). */
export function closeScreen(open: OpenScreen): void {
  try {
    open.screen.destroy();
  } catch {
    // The terminal went away while restoring it: drop blessed's exit hooks too, they would only fail again.
    for (const l of open.exitListeners) proc.removeListener('exit', l);
  }
}
