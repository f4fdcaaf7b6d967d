// The header line: live and replay contents, exact width, what gives way when it is too long.
import { describe, expect, it } from 'vitest';
import type { RunStats } from '../../../src/model/session.js';
import { headerLine, type HeaderInfo } from '../../../src/ui/tui/header.js';
import { lineText, lineWidth, UNICODE_GLYPHS } from '../../../src/ui/tui/style.js';

const stats: RunStats = { lines: 312, unparsed: 3, ignored: 0, traces: 12, lost: 2, unparsedReasons: {} };
const base: HeaderInfo = {
  mode: 'live',
  armed: { session: 's1', backend: 'nft', netns: 'lab-fw', filter: 'tcp port 80', commands: [], reasons: [], rate: 10 },
  disarmed: null,
  source: null,
  stats,
  ended: false,
  perSecond: 2.4,
  received: 12,
  state: 'following',
  pending: 0,
};
const text = (h: Partial<HeaderInfo>, cols = 80): string =>
  lineText(headerLine({ ...base, ...h }, cols, UNICODE_GLYPHS));

describe('header', () => {
  it('live: backend, netns, filter, rate limit, speed, counts and FOLLOWING, in 80 columns', () => {
    const t = text({});
    expect(t).toHaveLength(80);
    expect(t).toMatch(
      /^ nft {2}netns lab-fw {2}'tcp port 80' {2}max 10\/s {2}2\.4\/s {2}unparsed 3 {2}lost 2 +FOLLOWING$/,
    );
    expect(text({ armed: { ...base.armed!, rate: null, filter: '' }, perSecond: 12.4 })).toMatch(
      /all packets {2}no limit {2}12\/s/,
    );
  });

  it('paused shows how many arrived since; a long filter is clipped, the state stays', () => {
    const t = text({ state: 'paused', pending: 5, armed: { ...base.armed!, filter: 'host 10.0.0.1 and '.repeat(8) } });
    expect(t).toHaveLength(80);
    expect(t).toContain('PAUSED (+5)');
    expect(t).toContain('unparsed 3');
    expect(t).toContain('…');
  });

  it('replay: the source, traces and lines, end of input', () => {
    const t = text({ mode: 'replay', armed: null, source: 'kube-service.txt', ended: true, state: 'browsing' }, 100);
    expect(lineWidth(headerLine({ ...base, mode: 'replay' }, 100, UNICODE_GLYPHS))).toBe(100);
    expect(t).toMatch(
      /replay kube-service\.txt {2}12 traces {2}312 lines {2}unparsed 3 {2}lost 2 +end of input {2}BROWSING$/,
    );
  });

  it('replay: a long path keeps its file name', () => {
    const t = text({ mode: 'replay', source: '/very/long/path/to/captures/legacy/kernlog/kube-service.txt' });
    expect(t).toHaveLength(80);
    expect(t).toMatch(/^ replay ….*kernlog\/kube-service\.txt {2}12 traces/);
  });

  it('before the armed event, and with no stats: no undefined or NaN', () => {
    const t = text({ armed: null, stats: null, perSecond: Number.NaN });
    expect(t).toContain('arming the trace rules');
    expect(t).toContain('unparsed 0');
    expect(t).not.toMatch(/undefined|NaN|\[object Object\]/);
  });
});
