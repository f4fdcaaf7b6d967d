// SessionEvents → readable text blocks, one per packet; colours only on a terminal and without NO_COLOR.
import pc from 'picocolors';
import type { Armed, Disarmed, SessionEvent, RunStats } from '../../model/session.js';
import type { Trace } from '../../model/trace.js';
import { unreachable } from '../../util/unreachable.js';
import type { Renderer, TextSink } from '../renderer.js';
import { probeLine } from '../probe-text.js';
import {
  cannotCompareText,
  findingText,
  kernelDropText,
  countersText,
  flowText,
  interfacesText,
  kubeLine,
  natText,
  ownersText,
  stepLabel,
  stepsByHook,
  stepVerdictText,
  verdictTone,
  type Tone,
} from '../view-model.js';

type Colors = ReturnType<typeof pc.createColors>;

export class PlainRenderer implements Renderer {
  private readonly c: Colors;

  constructor(
    private readonly out: TextSink,
    color: boolean,
  ) {
    this.c = pc.createColors(color);
  }

  handle(e: SessionEvent): void {
    switch (e.kind) {
      case 'trace':
        this.out.write(formatTrace(e.trace, this.c));
        break;
      case 'stats':
        if (e.final) this.out.write(formatStats(e.stats, this.c));
        break;
      case 'warning':
        this.out.write(this.c.yellow(`warning: ${e.message}`) + '\n');
        break;
      case 'armed':
        this.out.write(formatArmed(e.armed, this.c));
        break;
      case 'disarmed':
        this.out.write(formatDisarmed(e.disarmed, this.c));
        break;
      case 'probe':
        this.out.write((e.probe.sent ? this.c.cyan : this.c.red)(probeLine(e.probe)) + '\n\n');
        break;
      default:
        unreachable(e);
    }
  }

  close(): Promise<void> {
    return this.out.drain();
  }
}

function tone(c: Colors, t: Tone, text: string): string {
  if (t === 'good') return c.green(text);
  if (t === 'bad') return c.red(text);
  if (t === 'other') return c.yellow(text);
  return text;
}

/** One packet's block. */
export function formatTrace(t: Trace, c: Colors): string {
  const lines: string[] = [];
  const time = t.time ? `  ${c.dim(t.time)}` : '';
  lines.push(`${c.bold(`trace ${t.id}`)}  ${flowText(t.packet)}  ${interfacesText(t)}${time}`);
  // One column for the whole block, wide enough for its longest chain name (CNI's `nat/CNI-DN-abc123def4567890`).
  let width = 22;
  for (const s of t.steps) width = Math.max(width, s.table.length + 1 + s.chain.length);
  for (const group of stepsByHook(t)) {
    lines.push(`  ${c.cyan(group.hook)}`);
    for (const s of group.steps) {
      const where = `${s.table}/${s.chain}`.padEnd(width);
      const label = stepLabel(s).padEnd(8);
      const verdict = tone(c, verdictTone(s.verdict), stepVerdictText(s));
      const text = s.rule?.text ? `  ${c.dim(s.rule.text)}` : '';
      const counters = countersText(s.rule);
      lines.push(`    ${where} ${label} ${verdict}${text}${counters ? ` ${c.dim(counters)}` : ''}`);
    }
  }
  for (const n of t.nat) lines.push(`  ${c.magenta('nat')}: ${natText(n, t)}`);
  const action = tone(c, verdictTone(t.verdict.action), t.verdict.action.toUpperCase());
  lines.push(`  ${c.bold('verdict')}: ${action}: ${t.explanation}`);
  lines.push(...whyLines(t, c));
  return lines.join('\n') + '\n\n';
}

/** Indented under the verdict: near misses, what could not be compared, the Kubernetes service, owners (not fwtrace's). */
function whyLines(t: Trace, c: Colors): string[] {
  const out: string[] = [];
  const why = t.why;
  if (why !== undefined && why.nearMisses.length > 0) {
    out.push(`    ${c.dim('near misses:')}`, ...why.nearMisses.map((n) => `      ${n.text}`));
  }
  if (why !== undefined && why.cannotCompare.length > 0) {
    const chain = why.decidedBy?.chain ?? null;
    out.push(
      `    ${c.dim('cannot compare:')}`,
      ...why.cannotCompare.map((x) => `      ${cannotCompareText(x, chain)}`),
    );
  }
  if (t.kubernetes != null) out.push(`    ${c.dim('kubernetes:')} ${kubeLine(t.kubernetes)}`);
  if (t.host != null) {
    const drop = kernelDropText(t.host);
    if (drop !== null) out.push(`    ${c.dim('kernel drop:')} ${drop}`);
    for (const f of t.host.findings) out.push(`    ${c.dim(`host ${f.check}:`)} ${findingText(f)}`);
  }
  // Owners matter when a component's chain decided, led there, or the packet was refused on its way.
  const relevant =
    t.verdict.action === 'drop' ||
    t.verdict.action === 'reject' ||
    t.kubernetes != null ||
    why?.decidedBy?.owner != null ||
    why?.path.some((l) => l.owner !== null) === true;
  const owners = relevant ? ownersText(t) : '';
  if (owners !== '') out.push(`    ${c.dim('owners:')} ${owners}`);
  return out;
}

/** The closing summary line. */
export function formatStats(s: Readonly<RunStats>, c: Colors): string {
  const reasons = Object.entries(s.unparsedReasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([r, n]) => `${n} ${r}`)
    .join('; ');
  const unparsed = s.unparsed > 0 ? `, ${s.unparsed} not understood (${reasons})` : '';
  const lost = s.lost > 0 ? c.yellow(`, events lost (reported ${plural(s.lost, 'time')})`) : '';
  return c.dim(`${plural(s.traces, 'trace')} from ${plural(s.lines, 'line')}${unparsed}${lost}`) + '\n';
}

/** The header of a live run: what is traced, how, and how to stop. */
export function formatArmed(a: Armed, c: Colors): string {
  const where = a.netns ? ` in netns ${a.netns}` : '';
  const rate = a.rate === null ? 'no rate limit' : `at most ${a.rate} packets/s`;
  const lines = [
    c.bold(`tracing ${a.filter || 'all packets'}${where} with the ${a.backend} backend (${rate}); Ctrl-C to stop`),
    ...a.reasons.map((r) => c.dim(`  backend: ${r}`)),
  ];
  return lines.join('\n') + '\n\n';
}

/** The footer of a live run: what was removed, or what is left and how to remove it. */
export function formatDisarmed(d: Disarmed, c: Colors): string {
  const sysctl = d.sysctlRestored ? `; restored ${d.sysctlRestored}` : '';
  if (d.clean) return c.dim(`stopped (${d.reason}): trace rules removed${sysctl}`) + '\n';
  return (
    c.red(
      `stopped (${d.reason}): could not remove every trace rule; run:\n${d.leftovers.map((l) => `  ${l}`).join('\n')}`,
    ) + '\n'
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
