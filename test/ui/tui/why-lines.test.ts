// The path pane's owner tags and the short why block after the verdict, within the pane's width.
import { describe, expect, it } from 'vitest';
import { pathLines } from '../../../src/ui/tui/path-lines.js';
import { lineText, lineWidth, UNICODE_GLYPHS } from '../../../src/ui/tui/style.js';
import { captureTraces, first } from './fixtures.js';

describe('path pane: why', () => {
  const drop = first(captureTraces('legacy', 'kernlog', 'default-drop'));
  const kube = first(captureTraces('legacy', 'kernlog', 'kube-service'), (t) => t.kubernetes != null);

  it('tags a step with its owner where the owner changes', () => {
    const lines = pathLines(kube, { cols: 120, glyphs: UNICODE_GLYPHS }).map(lineText);
    expect(lines.some((l) => /nat\s+PREROUTING\s+rule 1\s+jump KUBE-SERVICES.*\[kube-proxy\]$/.test(l))).toBe(true);
    expect(lines.some((l) => /KUBE-SERVICES\s+rule 1\s+jump KUBE-SVC-\S+\s+\(1 pkts, 60 bytes\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /FORWARD\s+rule 1\s+jump DOCKER-USER.*\[docker\]$/.test(l))).toBe(true);
    expect(lines.some((l) => /DOCKER-USER\s+rule 1\s+return.*\[docker \(user chain\)\]$/.test(l))).toBe(true);
    expect(lines.some((l) => /mangle\s+FORWARD\s+policy\s+accept$/.test(l))).toBe(true);
  });

  it('after the verdict: the other near misses, the first uncompared rule, the service', () => {
    const lines = pathLines(drop, { cols: 200, glyphs: UNICODE_GLYPHS }).map(lineText);
    const v = lines.findIndex((l) => l.startsWith('verdict DROP'));
    expect(lines.slice(v + 1)).toEqual([
      '  also    rule 7 would accept tcp dport 5432 from 10.66.1.5/32 to 10.66.2.0/24 (via DB-ALLOW rule 1), but this packet goes to port 9999 and comes from 10.66.1.2',
      '  also    rule 8 would accept tcp dport 80 to 10.66.2.2/32 ct status dnat, but this packet goes to port 9999 and was not DNATed',
      '  unsure  rule 2 (via KUBE-FORWARD rule 1): -m mark --mark 0x4000/0x4000',
    ]);
    const k = pathLines(kube, { cols: 200, glyphs: UNICODE_GLYPHS }).map(lineText);
    expect(k[k.length - 1]).toMatch(
      /^ {2}k8s {5}service default\/web:http -> endpoint 10\.66\.2\.3:80 \(1 of 2, 50 %\), cluster IP 10\.96\.0\.10/,
    );
  });

  it('stays within the width', () => {
    for (const cols of [40, 80, 100]) {
      for (const t of [drop, kube]) {
        for (const l of pathLines(t, { cols, glyphs: UNICODE_GLYPHS })) expect(lineWidth(l)).toBeLessThanOrEqual(cols);
      }
    }
  });
  it('after the verdict: the kernel drop reason and the host findings, wrapped to the pane', () => {
    const accepted = first(captureTraces('nft', 'nft-monitor', 'web-allowed'));
    const t = {
      ...accepted,
      host: {
        kernelDrop: { reason: 'NO_SOCKET', location: null, protocol: 2048, stamp: 1 },
        findings: [
          { check: 'listener' as const, severity: 'cause' as const, text: 'nothing listens on tcp port 80', fix: null },
        ],
      },
    };
    const lines = pathLines(t, { cols: 60, glyphs: UNICODE_GLYPHS }).map(lineText);
    expect(lines.slice(-2)).toEqual([
      '  kernel  NO_SOCKET (same moment, same protocol)',
      '  host    nothing listens on tcp port 80',
    ]);
  });
});
