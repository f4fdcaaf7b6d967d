// `fwtrace cleanup`, `fwtrace doctor` and the hidden `fwtrace __watchdog`.
import { Command } from '@commander-js/extra-typings';
import { runCleanup } from '../app/cleanup.js';
import { runDoctor } from '../app/doctor.js';
import { runProbeSender } from '../app/probe-sender.js';
import { runWatchdog } from '../app/watchdog.js';
import { EXIT, ToolError } from '../errors.js';
import { isRoot } from '../sys/host.js';

const say = (line: string): void => void process.stdout.write(line + '\n');

/** `does`: what the command does to the host (doctor only reads; cleanup also removes rules). */
function needRoot(what: string, does: string): void {
  if (!isRoot()) throw new ToolError(`${what} ${does}: it needs root`, EXIT.needsRoot, `run: sudo fwtrace ${what}`);
}

export function cleanupCommand() {
  return new Command('cleanup')
    .description('remove trace rules left by fwtrace runs whose process is gone (and only those)')
    .option('--netns <NAME>', 'look inside this network namespace')
    .option('--dry-run', 'show what would be removed')
    .addHelpText('after', '\nExamples:\n  sudo fwtrace cleanup\n  sudo fwtrace cleanup --netns ns1 --dry-run')
    .action(async (opts) => {
      needRoot('cleanup', 'reads and changes the firewall');
      process.exitCode = await runCleanup(opts.netns ?? null, opts.dryRun === true, say);
    });
}

export function doctorCommand() {
  return new Command('doctor')
    .description('what is installed, which backend would be used and why')
    .option('--netns <NAME>', 'look inside this network namespace')
    .addHelpText('after', '\nExamples:\n  sudo fwtrace doctor\n  sudo fwtrace doctor --netns ns1')
    .action(async (opts) => {
      needRoot('doctor', 'reads the firewall and the kernel’s state');
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
