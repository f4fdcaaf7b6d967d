// The path pane on real traces: hooks and routing, flat kube-proxy chains, counters, NAT, verdict.
import { describe, expect, it } from 'vitest';
import { decidingStep, pathLines, routingBetween } from '../../../src/ui/tui/path-lines.js';
import { ASCII_GLYPHS, lineText, lineWidth, UNICODE_GLYPHS } from '../../../src/ui/tui/style.js';
import { toTags } from '../../../src/ui/tui/tags.js';
import { captureTraces, first } from './fixtures.js';

const opts = { cols: 80, glyphs: UNICODE_GLYPHS };
const texts = (t: Parameters<typeof pathLines>[0], o = opts): string[] => pathLines(t, o).map(lineText);
const indexOf = (lines: string[], re: RegExp, from = 0): number => lines.findIndex((l, i) => i >= from && re.test(l));

describe('path lines: kube-proxy service with DNAT (legacy kernel log)', () => {
  const t = first(captureTraces('legacy', 'kernlog', 'kube-service'), (x) => x.nat.some((n) => n.chain !== null));
  const lines = texts(t);

  it('shows the hooks in kernel order with the routing decision between prerouting and forward', () => {
    const pre = indexOf(lines, /^PREROUTING$/);
    const routing = indexOf(lines, /routing: forward$/);
    const fwd = indexOf(lines, /^FORWARD$/);
    const post = indexOf(lines, /^POSTROUTING$/);
    expect(pre).toBeGreaterThan(0);
    expect(routing).toBeGreaterThan(pre);
    expect(fwd).toBe(routing + 1);
    expect(post).toBeGreaterThan(fwd);
  });

  it('lists KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP flat, at one indentation', () => {
    const chainLines = lines.filter((l) => /^\s+(KUBE-SERVICES|KUBE-SVC-\S+|KUBE-SEP-\S+)\s+rule/.test(l));
    expect(chainLines.length).toBeGreaterThanOrEqual(3);
    const indents = new Set(chainLines.map((l) => l.search(/\S/)));
    expect(indents.size).toBe(1);
    expect(lines.some((l) => /KUBE-SERVICES\s+rule 1\s+jump KUBE-SVC-/.test(l))).toBe(true);
  });

  it('shows each matched rule with its text and counters', () => {
    expect(lines.some((l) => /nat\s+PREROUTING\s+rule 1\s+jump KUBE-SERVICES\s+\(12 pkts, 720 bytes\)/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes('-A PREROUTING -m comment --comment "kubernetes service portals"'))).toBe(true);
  });

  it('puts the DNAT rewrite right after the KUBE-SEP rule that did it, before routing', () => {
    const dnat = indexOf(lines, /DNAT dst 10\.96\.0\.10:80 -> 10\.66\.2\.3:80/);
    const sep = indexOf(lines, /KUBE-SEP-\S+\s+rule 2\s+accept/);
    expect(sep).toBeGreaterThan(0);
    expect(dnat).toBeGreaterThan(sep);
    expect(dnat).toBeLessThan(indexOf(lines, /routing: forward/));
    expect(lines.some((l) => l.includes('MASQUERADE src 10.66.1.2:40008'))).toBe(true);
  });

  it('ends with the verdict and the explanation sentence, and marks the deciding step', () => {
    const v = indexOf(lines, /^verdict ACCEPT {2}accepted by rule 1 of filter\/KUBE-FORWARD/);
    expect(v).toBeGreaterThan(0);
    expect(lines.some((l) => /▶\s+KUBE-FORWARD\s+rule 1\s+accept/.test(l))).toBe(true);
    expect(decidingStep(t)).toBeGreaterThan(0);
  });

  it('never exceeds the width and never prints undefined, NaN or [object Object]', () => {
    for (const cols of [80, 100, 120]) {
      for (const l of pathLines(t, { cols, glyphs: UNICODE_GLYPHS })) expect(lineWidth(l)).toBeLessThanOrEqual(cols);
    }
    expect(lines.join('\n')).not.toMatch(/undefined|NaN|\[object Object\]/);
  });
});

describe('path lines: other traces', () => {
  it('a policy drop names the policy and stops in forward', () => {
    const t = first(captureTraces('legacy', 'kernlog', 'default-drop'));
    const lines = texts(t);
    expect(lines.some((l) => /▶\s+FORWARD\s+policy\s+drop/.test(l))).toBe(true);
    expect(lines.some((l) => /^verdict DROP {2}dropped by the DROP policy of filter\/FORWARD/.test(l))).toBe(true);
    expect(indexOf(lines, /^POSTROUTING$/)).toBe(-1);
  });

  it('a kernel-log trace through a user chain: DB-ALLOW -> LOG_AND_DROP', () => {
    const t = first(captureTraces('legacy', 'kernlog', 'db-denied'));
    expect(t.backend).toBe('kernlog');
    const lines = texts(t);
    expect(lines.some((l) => /FORWARD\s+rule 7\s+jump DB-ALLOW/.test(l))).toBe(true);
    expect(lines.some((l) => /▶\s+LOG_AND_DROP\s+rule 2\s+drop/.test(l))).toBe(true);
  });

  it('an IPv6 trace shows bracketed addresses and the routing decision', () => {
    const t = first(captureTraces('xtables', 'xtables-monitor', 'ipv6-allowed'));
    const lines = texts(t);
    expect(lines[0]).toContain('tcp [fd66:1::2]:40010 -> [fd66:2::2]:80 [SYN]');
    expect(lines.some((l) => l.endsWith('routing: forward'))).toBe(true);
  });

  it('local delivery and local output get their routing decisions', () => {
    const [out, back] = captureTraces('legacy', 'kernlog', 'output');
    expect(texts(out!).some((l) => l.endsWith('routing: local output'))).toBe(true);
    expect(texts(back!).some((l) => l.endsWith('routing: local delivery'))).toBe(true);
    expect(routingBetween('prerouting', 'postrouting')).toBeNull();
  });

  it('nft rule text with sets survives tag markup escaped', () => {
    const t = first(captureTraces('nft', 'nft-monitor', 'kube-service'), (x) =>
      x.steps.some((s) => s.rule?.text?.includes('vmap {')),
    );
    const lines = pathLines(t, { cols: 120, glyphs: ASCII_GLYPHS });
    const vmap = lines.find((l) => lineText(l).includes('vmap {'));
    expect(vmap).toBeDefined();
    const tags = toTags(vmap!, { colors: 256 });
    expect(tags).toContain('vmap {open} 0 : jump');
    expect(tags).not.toMatch(/vmap \{ /);
  });
});
