// `fwtrace [trace] [FILTER]`: the live trace (default command).
import { Command, Option } from '@commander-js/extra-typings';
import { parseFlow, formatFlowError } from '../flow/parse-flow.js';
import { prepareLive, type LiveConfig } from '../app/live/prepare.js';
import { checkProbeFilter, prepareProbe, PROBE_QUIET_SEC, type ProbeRequest } from '../app/live/probe.js';
import { ProbeFirst } from '../app/live/probe-first.js';
import { isRoot } from '../sys/host.js';
import { formatProbePlan } from './probe-dry-run.js';
import { startLive } from '../app/live/session.js';
import { EXIT, ToolError } from '../errors.js';
import { StreamSink } from '../sys/stdout-sink.js';
import { formatPlan } from './dry-run.js';
import { positiveInt, positiveSeconds } from './numbers.js';
import { isInteractive, outputMode, useColor } from './output-mode.js';
import pc from 'picocolors';
import type { Disarmed, SessionEvent } from '../model/session.js';
import { TuiRenderer } from '../ui/tui/index.js';
import { formatDisarmed } from '../ui/plain/plain-renderer.js';
import { NdjsonRenderer } from '../ui/json/ndjson-renderer.js';
import { PlainRenderer } from '../ui/plain/plain-renderer.js';

const EXAMPLES = `
Filter: a tcpdump subset in ONE argument: ip, ip6, tcp, udp, icmp, icmp6, [src|dst] host ADDR,
[src|dst] net CIDR, [src|dst] port N, [src|dst] portrange N-M, and/&&, or/||, not/!, parentheses.

Examples:
  sudo fwtrace 'tcp port 5432'                          why is my database unreachable?
  sudo fwtrace 'host 10.0.0.5 and tcp port 443' -i eth0 narrow it down
  sudo fwtrace 'udp port 53' --count 5 --plain          stop after 5 packets
  sudo fwtrace 'tcp port 80' --netns ns1 --json         inside a network namespace, NDJSON out
  sudo fwtrace 'dst host 10.96.0.10' --backend xtables  a kube-proxy service (iptables-nft)
  fwtrace 'tcp port 22' --backend nft --dry-run         the exact commands, nothing changed
  sudo fwtrace --netns fw --probe-from client 'tcp dst port 5432 and dst host 10.0.0.5'
                                                        send one SYN from netns client, trace it through fw

Probe: --probe sends one real packet that matches FILTER once the trace is armed: a TCP SYN (a connect
abandoned after 0.5 s), a UDP datagram ("fwtrace probe") or an ICMP echo (ping), from the traced host or
--netns, or from --probe-from NETNS. The filter must name it: a destination host, and a port for tcp/udp
(a port alone means tcp); 'host A' is the destination unless A is local; a source must be local. With
--plain or --json it implies --count 1 and stops ${PROBE_QUIET_SEC} s after the probe if no trace shows up
(unless --count / --timeout say otherwise); the TUI stays open until q.

Safety: only the run's own table or tagged TRACE rules are added, rate-limited (--rate, default 10/s),
and removed on every exit (q, Ctrl-C, SIGTERM, SIGHUP, --count, --timeout, errors; a watchdog after
SIGKILL). Leftovers of a killed run: fwtrace cleanup.`;

const BACKENDS = ['auto', 'nft', 'xtables', 'legacy'] as const;

export function traceCommand() {
  return new Command('trace')
    .description('trace packets matching FILTER live: every table, chain and rule they pass, and the verdict')
    .argument('[FILTER]', 'tcpdump-style filter (quote it); empty = every packet, still rate-limited', '')
    .option('-i, --in <IFACE>', 'only packets coming in on IFACE (eth+ for a prefix)')
    .option('-o, --out <IFACE>', 'only packets going out on IFACE')
    .option('--netns <NAME>', 'trace inside this network namespace (ip netns)')
    .addOption(new Option('--backend <NAME>', 'how to trace').choices(BACKENDS).default('auto' as const))
    .option('--count <N>', 'stop after N complete packet traces', positiveInt)
    .option('--timeout <SEC>', 'stop after SEC seconds', positiveSeconds)
    .option('--rate <N>', 'traced packets per second at most', positiveInt, 10)
    .option('--no-rate-limit', 'trace every matching packet (careful on a busy host)')
    .option('--probe', 'send one packet matching FILTER once armed (TCP SYN, UDP datagram or ICMP echo)')
    .option('--probe-from <NETNS>', 'send the probe from this network namespace (implies --probe)')
    .option(
      '--no-host-checks',
      'no kernel drop reasons (tracefs) and no host checks (ip_forward, rp_filter, route, listener, ...)',
    )
    .option('--dry-run', 'print the exact commands that would arm and disarm; change nothing')
    .option('--tui', 'terminal UI (default on a terminal)')
    .option('--plain', 'plain text (default when not on a terminal)')
    .option('--json', 'NDJSON v1, one object per line')
    .addHelpText('after', EXAMPLES)
    .action(async (filter, opts) => {
      const flow = parseFlow(filter, {
        ...(opts.in !== undefined ? { iif: opts.in } : {}),
        ...(opts.out !== undefined ? { oif: opts.out } : {}),
      });
      if (!flow.ok) {
        const shown =
          flow.error.source === 'filter' ? filter : flow.error.source === 'in' ? (opts.in ?? '') : (opts.out ?? '');
        throw new ToolError(`${flow.error.message}\n${formatFlowError(shown, flow.error)}`, EXIT.usage);
      }
      const mode = outputMode(opts, isInteractive(process.env));
      // --probe: a packet-tracer run. Printed output ends with the probe's trace (or says there is none);
      // the TUI stays open to read it.
      const probing = opts.probe === true || opts.probeFrom !== undefined;
      const ends = probing && mode !== 'tui';
      const probeReq: Omit<ProbeRequest, 'inspect'> = {
        traced: opts.netns ?? null,
        from: opts.probeFrom ?? null,
        noTrace: { afterSec: PROBE_QUIET_SEC, stop: ends && opts.timeout === undefined },
      };
      if (probing) checkProbeFilter(flow.value, probeReq);
      const cfg: LiveConfig = {
        flow: flow.value,
        backend: opts.backend,
        netns: opts.netns ?? null,
        rate: opts.rateLimit === false ? null : opts.rate,
        count: opts.count ?? (ends ? 1 : null),
        timeoutSec: opts.timeout ?? null,
        probe: null,
        hostChecks: opts.hostChecks !== false,
      };
      if (opts.dryRun) {
        const { plan, reasons } = await prepareLive(cfg, cfg.backend === 'auto');
        const probe = probing ? await prepareProbe(cfg.flow, { ...probeReq, inspect: isRoot() }) : null;
        process.stdout.write(
          formatPlan(plan, reasons, cfg.hostChecks) + (probe ? formatProbePlan(probe, cfg.count) : ''),
        );
        return;
      }
      const { plan, reasons } = await prepareLive(cfg, true);
      const probe = probing ? await prepareProbe(cfg.flow, { ...probeReq, inspect: true }) : null;
      const sink = new StreamSink(process.stdout);
      let quit: () => void = () => undefined;
      const renderer =
        mode === 'tui'
          ? new TuiRenderer({ mode: 'live', onQuit: () => quit() })
          : mode === 'json'
            ? new NdjsonRenderer(sink)
            : new PlainRenderer(sink, useColor(sink.isTTY, process.env));
      const seen: { disarmed: Disarmed | null } = { disarmed: null };
      const tee = {
        handle: (e: SessionEvent) => {
          if (e.kind === 'disarmed') seen.disarmed = e.disarmed;
          renderer.handle(e);
        },
        close: () => renderer.close(),
      };
      const run = startLive({ ...cfg, probe }, plan, reasons, probe ? new ProbeFirst(tee) : tee);
      quit = () => run.stop.stop({ kind: 'quit' });
      const code = await run.done;
      await renderer.close();
      // The screen is gone: say in plain words how the run ended and that the rules are removed.
      if (mode === 'tui' && seen.disarmed)
        process.stdout.write(formatDisarmed(seen.disarmed, pc.createColors(useColor(sink.isTTY, process.env))));
      // Errors are one line on stderr whatever the output mode (NDJSON has the details in `disarmed`).
      const end = seen.disarmed;
      if (code !== EXIT.ok && end) {
        process.stderr.write(`fwtrace: stopped: ${end.reason}\n`);
        if (end.leftovers.length > 0)
          process.stderr.write(
            `hint: trace rules may be left; remove them with:\n${end.leftovers.map((l) => `  ${l}`).join('\n')}\n`,
          );
      }
      if (code !== EXIT.ok) process.exitCode = code;
    });
}
