// `fwtrace replay FILE... [--rules FILE]...`: the commander definition and its action.
import { Command, Option } from '@commander-js/extra-typings';
import { runReplay } from '../app/replay.js';
import { StreamSink } from '../sys/stdout-sink.js';
import { EXIT, ToolError } from '../errors.js';
import { NdjsonRenderer } from '../ui/json/ndjson-renderer.js';
import { PlainRenderer } from '../ui/plain/plain-renderer.js';
import type { Renderer } from '../ui/renderer.js';
import { isInteractive, outputMode, useColor } from './output-mode.js';
import { runReplayTui } from '../app/replay-tui.js';
import { TuiRenderer } from '../ui/tui/index.js';
import { openTty } from '../sys/tty.js';

const EXAMPLES = `
Examples:
  fwtrace replay trace.txt                          saved 'nft monitor trace' output
  fwtrace replay kern.log --rules iptables-save.txt  legacy TRACE lines + the ruleset they ran through
  journalctl -k -o json | fwtrace replay - --json    kernel log from stdin, NDJSON out
  fwtrace replay xt.txt --format xtables --json | jq 'select(.verdict.action=="drop")'

Formats are detected per line: nft monitor trace, xtables-monitor --trace, and kernel-log TRACE lines
(dmesg, /dev/kmsg, journalctl, syslog, ulogd). Kernel-log lines carry no verdict: pass the ruleset with
--rules (iptables-save [-c], ip6tables-save, iptables -S, nft list ruleset, nft -j list ruleset).`;

/** Builds the replay subcommand; `run` receives the exit code. */
export function replayCommand(): Command<
  [string[]],
  { rules: string[]; format: 'auto' | 'nft' | 'xtables' | 'kernlog'; tui?: true; plain?: true; json?: true }
> {
  return new Command('replay')
    .description('parse saved trace output (no root needed); FILE "-" reads stdin')
    .argument('<FILE...>', 'trace output files')
    .addOption(
      new Option('--rules <FILE>', 'ruleset dump to resolve rules and verdicts (repeatable)')
        .argParser((v: string, prev: string[]) => [...prev, v])
        .default([] as string[]),
    )
    .addOption(
      new Option('--format <FORMAT>', 'input format')
        .choices(['auto', 'nft', 'xtables', 'kernlog'] as const)
        .default('auto' as const),
    )
    .option('--tui', 'terminal UI (default on a terminal): browse the packets, q to quit')
    .option('--plain', 'plain text (default when not on a terminal)')
    .option('--json', 'NDJSON v1, one object per line')
    .addHelpText('after', EXAMPLES)
    .action(async (files, opts) => {
      // Traces on stdin leave no keyboard for the TUI unless asked for explicitly (then /dev/tty is used).
      const mode = outputMode(opts, isInteractive(process.env) && !files.includes('-'));
      const sink = new StreamSink(process.stdout);
      const cfg = { files, rules: opts.rules, format: opts.format };
      if (mode === 'tui') {
        let quit: () => void = () => undefined;
        const quitting = new Promise<void>((r) => (quit = r));
        const tui = new TuiRenderer({
          mode: 'replay',
          onQuit: quit,
          source: files.join(' '),
          ...(files.includes('-') ? { input: openTty() } : {}),
        });
        process.exitCode = await runReplayTui(cfg, tui, quitting, sink);
        return;
      }
      const renderer: Renderer =
        mode === 'json' ? new NdjsonRenderer(sink) : new PlainRenderer(sink, useColor(sink.isTTY, process.env));
      // Ctrl-C (or SIGTERM) stops the reading and reports what was read; a second one ends at once.
      const stop = new AbortController();
      const onSignal = (): void => {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        stop.abort();
      };
      process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
      await runReplay({ ...cfg, stop: stop.signal }, renderer, sink);
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await renderer.close();
      await sink.drain();
      const failed = sink.failure;
      if (failed) throw new ToolError(`cannot write the output: ${failed.code ?? failed.message}`, EXIT.runtime);
      // A read abandoned on a FIFO or a terminal would keep the process alive.
      if (stop.signal.aborted) process.exit(0);
    });
}
