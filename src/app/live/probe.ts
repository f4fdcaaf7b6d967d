// `--probe` in a live run: before anything is armed, the packet is planned from the filter (a problem is a
// ToolError, nothing changed); once armed, it is sent once, reported (a `probe` event), and the run is
// told when no trace shows up.
import type { FlowSpec } from '../../model/flow.js';
import type { ProbeRun, ProbeSpec } from '../../model/probe.js';
import type { Renderer } from '../../ui/renderer.js';
import { EXIT, ToolError } from '../../errors.js';
import { planProbe } from '../../probe/plan.js';
import { isOnPath } from '../../sys/host.js';
import { localAddresses, netnsExists } from '../../sys/probe-addrs.js';
import { senderMissing, sendProbe, SENDER_PATH } from '../../sys/probe-send.js';
import type { StopSignal } from './stop-signal.js';

/** With --probe and no --timeout, how long to wait for a trace before saying there is none. */
export const PROBE_QUIET_SEC = 5;
/** How long the end of a run waits for the probe's report (ping -W 1 in a namespace, a TCP wait of 0.5 s). */
const SETTLE_MS = 3000;

const HINT = "name one packet, e.g. --probe 'tcp dst port 5432 and dst host 10.0.0.5' (or 'udp …', 'icmp and …')";

export interface ProbeRequest {
  /** --netns: where the trace runs. */
  readonly traced: string | null;
  /** --probe-from; null: from where the trace runs. */
  readonly from: string | null;
  readonly noTrace: ProbeRun['noTrace'];
  /** Read the sending namespace's addresses and check it exists (false: --dry-run without root). */
  readonly inspect: boolean;
}

/** The namespace a probe leaves from. */
const senderOf = (r: Pick<ProbeRequest, 'traced' | 'from'>): string | null => r.from ?? r.traced;
const placeOf = (netns: string | null): string => (netns === null ? 'this host' : `netns ${netns}`);

/** The filter alone (no I/O, no root): what the filter lacks for any probe. Throws a usage ToolError. */
export function checkProbeFilter(flow: FlowSpec, req: Pick<ProbeRequest, 'traced' | 'from'>): ProbeSpec {
  const sender = senderOf(req);
  const r = planProbe(flow, { locals: null, place: placeOf(sender), fromTraced: sender === req.traced });
  if (!r.ok) throw new ToolError(r.error, EXIT.usage, HINT);
  return r.value;
}

/** The probe of a run, checked against the sending namespace's addresses. Throws a ToolError. */
export async function prepareProbe(flow: FlowSpec, req: ProbeRequest): Promise<ProbeRun> {
  const sender = senderOf(req);
  if (req.inspect && req.from !== null && !(await netnsExists(req.from)))
    throw new ToolError(`no network namespace named "${req.from}" (--probe-from)`, EXIT.usage, 'see `ip netns list`');
  const locals = req.inspect || sender === null ? await localAddresses(sender) : null;
  const r = planProbe(flow, { locals, place: placeOf(sender), fromTraced: sender === req.traced });
  if (!r.ok) throw new ToolError(r.error, EXIT.usage, HINT);
  if ((r.value.proto === 'icmp' || r.value.proto === 'icmpv6') && req.inspect && !(await isOnPath('ping')))
    throw new ToolError(
      'an ICMP probe is sent with ping, which is not installed',
      EXIT.runtime,
      'apt-get install iputils-ping',
    );
  if (senderMissing(r.value, sender))
    throw new ToolError(
      `a TCP/UDP probe from a namespace is sent by running ${SENDER_PATH || 'this CLI'} there, and it cannot be found`,
      EXIT.runtime,
      'run fwtrace by its path (bin/fwtrace.js or the bundle), or probe from the host or with icmp',
    );
  return { spec: r.value, from: sender, noTrace: req.noTrace };
}

export interface ProbeHandle {
  /** Resolves once the probe's event is out (or after a few seconds): later, nothing more is reported. */
  settled(): Promise<void>;
}

export interface ProbeContext {
  readonly renderer: Renderer;
  readonly stop: StopSignal;
  /** Traces shown so far in this run. */
  readonly traces: () => number;
  /** The traced namespace, for messages. */
  readonly netns: string | null;
}

/** Sends the probe once (call after `armed`). A probe that could not be sent stops the run (exit 1). */
export function startProbe(run: ProbeRun, ctx: ProbeContext): ProbeHandle {
  let closed = false;
  const report = sendProbe(run.spec, run.from)
    .then((result) => {
      if (closed) return;
      ctx.renderer.handle({ kind: 'probe', probe: result });
      if (ctx.stop.requested) return;
      if (!result.sent) {
        ctx.stop.stop({ kind: 'error', message: `the probe was not sent: ${result.error ?? 'unknown error'}` });
        return;
      }
      const t = setTimeout(() => {
        if (ctx.stop.requested || ctx.traces() > 0) return;
        const then = run.noTrace.stop ? '; stopping' : '';
        ctx.renderer.handle({
          kind: 'warning',
          message: `no trace of the probe within ${run.noTrace.afterSec} s: it did not pass the trace rules in ${placeOf(ctx.netns)} (it went another way, or -i/-o do not fit it)${then}`,
        });
        if (run.noTrace.stop) ctx.stop.stop({ kind: 'timeout' });
      }, run.noTrace.afterSec * 1000);
      void ctx.stop.reason.then(() => clearTimeout(t));
    })
    .catch((e: unknown) => {
      if (!closed) ctx.stop.stop({ kind: 'error', message: `internal error while sending the probe: ${String(e)}` });
    });
  return {
    settled: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([report, new Promise<void>((r) => (timer = setTimeout(r, SETTLE_MS)))]);
      clearTimeout(timer);
      closed = true;
    },
  };
}
