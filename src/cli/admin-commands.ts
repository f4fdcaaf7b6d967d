// `fwtrace cleanup`, `fwtrace doctor` and the hidden `fwtrace __watchdog`.
import { Command } from '@commander-js/extra-typings';
import { runCleanup } from '../app/cleanup.js';
import { runDoctor } from '../app/doctor.js';
import { runProbeSender } from '../app/probe-sender.js';
import { runWatchdog } from '../app/watchdog.js';
import { EXIT, ToolError } from '../errors.js';
import { isRoot } from '../sys/host.js';

const say = (line: string): void => void process.stdout.write(line + '\n');

function needRoot(what: string): void {
  if (!isRoot())
    throw new ToolError(
      `${what} reads and changes the firewall: it needs root`,
      EXIT.needsRoot,
      `run: sudo fwtrace ${what}`,
    );
}

export function cleanupCommand() {
  return new Command('cleanup')
    .description('remove trace rules left by fwtrace runs whose process is gone (and only those)')
    .option('--netns <NAME>', 'look inside this network namespace')
    .option('--dry-run', 'show what would be removed')
    .addHelpText('after', '\nExamples:\n  sudo fwtrace cleanup\n  sudo fwtrace cleanup --netns ns1 --dry-run')
    .action(async (opts) => {
      needRoot('cleanup');
      process.exitCode = await runCleanup(opts.netns ?? null, opts.dryRun === true, say);
    });
}

export function doctorCommand() {
  return new Command('doctor')
    .description('what is installed, which backend would be used and why')
    .option('--netns <NAME>', 'look inside this network namespace')
    .addHelpText('after', '\nExamples:\n  sudo fwtrace doctor\n  sudo fwtrace doctor --netns ns1')
    .action(async (opts) => {
      needRoot('doctor');
      process.exitCode = await runDoctor(opts.netns ?? null, say);
    });
}

export function watchdogCommand() {
  return new Command('__watchdog').argument('<STATE>').action(async (state) => {
    process.exitCode = await runWatchdog(state);
  });
}

/** The probe sender, run by fwtrace itself under `ip netns exec NS` (a process cannot switch namespaces in Node). */
export function probeSendCommand() {
  return new Command('__probe-send').argument('<JSON>').action(async (json) => {
    process.exitCode = await runProbeSender(json);
  });
}
