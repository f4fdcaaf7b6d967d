// Keeping a run armed. A ruleset reload (`iptables-restore` of a file with a *raw table, `nft -f` of a
// file starting with `flush ruleset`, firewalld) can remove the run's own table or TRACE rules, and the
// run would go on tracing nothing. The keeper checks now and then that what the run installed is still
// there and puts back exactly that (the run's own tagged objects, nothing else), saying so.
import type { CommandSpec } from '../../model/command.js';
import { runAll, runCommand } from '../../sys/exec.js';
import { installedCheck } from '../undo.js';

export class ArmKeeper {
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly install: readonly CommandSpec[],
    private readonly warn: (message: string) => void,
  ) {}

  /** Starts one check, unless one is still running or the keeper was stopped. */
  check(): void {
    if (this.stopped || this.running) return;
    this.running = this.rearm()
      // Best effort: a failing check must never end the run (it ends by its own stop reasons).
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
      });
  }

  /** No more checks; waits for the one in flight, so nothing is put back once disarming starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async rearm(): Promise<void> {
    const missing: CommandSpec[] = [];
    for (const cmd of this.install) {
      const check = installedCheck(cmd);
      if (check && !(await runCommand(check)).ok) missing.push(cmd);
    }
    if (missing.length === 0 || this.stopped) return;
    const r = await runAll(missing);
    this.warn(
      r.ok
        ? `the trace rules of this run were removed by something else (a ruleset reload?): put them back; packets in between were not traced`
        : `the trace rules of this run were removed by something else (a ruleset reload?) and could not be put back (${r.failed.argv.join(' ')}: ${r.result.summary}); tracing may have stopped`,
    );
  }
}
