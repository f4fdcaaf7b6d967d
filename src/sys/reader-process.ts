// A long-running trace reader (nft monitor trace, xtables-monitor, dmesg -W): lines pushed as they arrive.
// Started through `setpriv --pdeathsig KILL` so it dies with us even on SIGKILL.
import { execa } from 'execa';
import split2 from 'split2';
import { fullArgv, type CommandSpec } from './command.js';

export interface ReaderExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Last stderr lines, for the message when the reader died. */
  readonly stderrTail: string;
  /** True when we stopped it. */
  readonly stopped: boolean;
}

const MAX_LINE = 1 << 20;
const TAIL_LINES = 10;

export class ReaderProcess {
  private readonly child;
  private readonly tail: string[] = [];
  private stopping = false;
  readonly exited: Promise<ReaderExit>;

  constructor(cmd: CommandSpec, onLine: (line: string) => void, onStderrLine?: (line: string) => void) {
    const args = ['--pdeathsig', 'KILL', '--', ...fullArgv(cmd)];
    this.child = execa('setpriv', args, { buffer: false, reject: false, stdin: 'ignore', env: { LC_ALL: 'C' } });
    // split2 for the reader's lines: small records; an absurd one is dropped rather than kept in memory.
    // (@types/split2 lacks `skipOverflow`, which split2 4.2 has.)
    const splitter = split2({ maxLength: MAX_LINE, skipOverflow: true } as split2.Options);
    this.child.stdout.pipe(splitter).on('data', (l: string) => onLine(l));
    this.child.stderr.pipe(split2()).on('data', (l: string) => {
      this.tail.push(l);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
      onStderrLine?.(l);
    });
    this.exited = this.child.then((r) => ({
      code: r.exitCode ?? null,
      signal: r.signal ?? null,
      stderrTail: this.tail.join('\n'),
      stopped: this.stopping,
    }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stops the reader (SIGTERM, then SIGKILL after a second) and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await this.exited;
    clearTimeout(timer);
  }
}
