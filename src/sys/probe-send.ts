// Sending the probe: a TCP SYN or UDP datagram from this process (the host's namespace) or from the
// sender program under `ip netns exec NS`; an ICMP echo through `ping`. Argv arrays only, never a shell.
// Never throws: the result says what was sent, or why not.
import { existsSync } from 'node:fs';
import type { CommandSpec } from '../model/command.js';
import type { ProbeResult, ProbeSpec } from '../model/probe.js';
import { pingArgv, pingOutcome } from '../probe/ping.js';
import { decodeSenderReport, encodeSendArgs, TCP_WAIT_MS, type SenderReport } from '../probe/sender-protocol.js';
import { runCommand } from './exec.js';
import { sendSocketProbe } from './probe-socket.js';

/** The running CLI script (bin/fwtrace.js or the single-file bundle): it sends with `__probe-send JSON`. */
export const SENDER_PATH = process.argv[1] ?? '';

const RUN_TIMEOUT_MS = 10_000;

/** Whether sending `spec` from `from` needs the sender (this CLI run again inside the namespace), and it is missing. */
export function senderMissing(spec: ProbeSpec, from: string | null, sender = SENDER_PATH): boolean {
  return probeCommand(spec, from, sender)?.argv[0] === process.execPath && !existsSync(sender);
}

/** The command that sends `spec` from `from`, or null when this process sends it itself. */
export function probeCommand(spec: ProbeSpec, from: string | null, sender = SENDER_PATH): CommandSpec | null {
  if (spec.proto === 'icmp' || spec.proto === 'icmpv6')
    return { argv: pingArgv(spec.ipVersion, spec.dst, spec.src), netns: from };
  if (from === null) return null;
  const args = encodeSendArgs({
    proto: spec.proto,
    dst: spec.dst,
    dport: spec.dport ?? 0,
    src: spec.src,
    sport: spec.sport,
    waitMs: TCP_WAIT_MS,
  });
  return { argv: [process.execPath, sender, '__probe-send', args], netns: from };
}

/** Sends the probe once. */
export async function sendProbe(spec: ProbeSpec, from: string | null, sender = SENDER_PATH): Promise<ProbeResult> {
  const base = { proto: spec.proto, dst: spec.dst, dport: spec.dport, from };
  const report = await send(spec, from, sender);
  return { ...base, ...report, src: report.src ?? spec.src, sport: report.sport ?? spec.sport };
}

async function send(spec: ProbeSpec, from: string | null, sender: string): Promise<SenderReport> {
  const notSent = (error: string): SenderReport => ({ sent: false, src: null, sport: null, answer: null, error });
  if ((spec.proto === 'tcp' || spec.proto === 'udp') && spec.dport === null) return notSent('no destination port');
  const cmd = probeCommand(spec, from, sender);
  if (cmd === null && (spec.proto === 'tcp' || spec.proto === 'udp')) {
    const p = { proto: spec.proto, dst: spec.dst, dport: spec.dport ?? 0, src: spec.src, sport: spec.sport };
    return sendSocketProbe({ ...p, waitMs: TCP_WAIT_MS });
  }
  if (cmd === null) return notSent('nothing to run');
  if (senderMissing(spec, from, sender)) return notSent(`the probe sender ${sender} is missing`);
  const r = await runCommand(cmd, RUN_TIMEOUT_MS);
  if (cmd.argv[0] === 'ping') {
    if (/ENOENT|exec of "ping" failed/.test(`${r.summary}\n${r.stderr}`))
      return notSent('ping is not installed (apt-get install iputils-ping)');
    return { ...pingOutcome(r.exitCode, r.stdout, r.stderr), sport: null };
  }
  return decodeSenderReport(r.stdout) ?? notSent(`the probe sender failed: ${r.summary || 'no report'}`);
}
