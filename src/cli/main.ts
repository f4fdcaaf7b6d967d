// The entry point: builds the program, runs it, and maps every failure to one line and an exit code.
// The only place that decides exit codes.
import { Command, CommanderError } from '@commander-js/extra-typings';
import { createRequire } from 'node:module';
import { EXIT, ToolError } from '../errors.js';
import { cleanupCommand, doctorCommand, probeSendCommand, watchdogCommand } from './admin-commands.js';
import { completionCommand } from './completion.js';
import { replayCommand } from './replay-command.js';
import { traceCommand } from './trace-command.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Builds the whole command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command()
    .name('fwtrace')
    .description(
      'Live packet-trace debugger for Linux netfilter: which table, chain and rule saw the packet, and why it was dropped.',
    )
    .version(pkg.version)
    .option('--debug', 'show stack traces of internal errors')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  sudo fwtrace 'tcp port 5432'                      live: why is my database unreachable?
  sudo fwtrace 'udp port 53' --count 3 --plain      stop after three packets
  fwtrace replay kern.log --rules iptables-save.txt saved output, no root needed
  sudo fwtrace doctor                               which backend, and why
A FILTER without a command means \`fwtrace trace FILTER\` (its options: --netns, --probe, --count, --json, ...:
see \`fwtrace trace --help\`). Run \`fwtrace <command> --help\` for each command's options and examples.`,
    );
  program.addCommand(traceCommand().exitOverride(), { isDefault: true });
  program.addCommand(replayCommand().exitOverride());
  program.addCommand(cleanupCommand().exitOverride());
  program.addCommand(doctorCommand().exitOverride());
  program.addCommand(completionCommand(buildProgram).exitOverride());
  program.addCommand(watchdogCommand(), { hidden: true });
  program.addCommand(probeSendCommand(), { hidden: true });
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    return report(e, argv.includes('--debug'));
  }
}

function report(e: unknown, debug: boolean): number {
  if (e instanceof CommanderError) {
    // Commander printed its message already; help and version exit 0, everything else is bad usage.
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (e instanceof ToolError) {
    process.stderr.write(`fwtrace: ${e.message}\n`);
    if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
    if (debug && e.stack) process.stderr.write(e.stack + '\n');
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`fwtrace: internal error: ${err.message}\n`);
  process.stderr.write(debug && err.stack ? err.stack + '\n' : 'hint: run again with --debug for details\n');
  return EXIT.runtime;
}
