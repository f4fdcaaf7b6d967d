// A private tmux server for end-to-end TUI tests: start a command in a sized pane, send keys, read the screen.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export class Tmux {
  /** One server per test file (`-L`): never the user's tmux, killed by stop(). */
  constructor(private readonly socket: string) {}

  private run(args: readonly string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  start(session: string, cols: number, rows: number, shellCommand: string): void {
    this.run(['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), shellCommand]);
  }

  /** Keys as tmux names them (`j`, `Enter`, `Escape`, `C-c`); `literal` sends text as typed. */
  keys(session: string, keys: readonly string[], literal = false): void {
    this.run(['send-keys', '-t', session, ...(literal ? ['-l'] : []), ...keys]);
  }

  capture(session: string): string[] {
    return this.run(['capture-pane', '-t', session, '-p']).split('\n');
  }

  /** Polls the screen until `pred` holds; returns the last screen (the caller asserts). */
  async waitFor(session: string, pred: (screen: string[]) => boolean, ms = 10_000): Promise<string[]> {
    const end = Date.now() + ms;
    let screen: string[] = [];
    while (Date.now() < end) {
      try {
        screen = this.capture(session);
      } catch {
        screen = [];
      }
      if (pred(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    return screen;
  }

  kill(session: string): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-session', '-t', session], { stdio: 'ignore' });
  }

  /** Kills the private server and removes its socket file (tmux leaves it behind). */
  stop(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    const dir = join(process.env['TMUX_TMPDIR'] || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
    rmSync(join(dir, this.socket), { force: true });
  }
}

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}
