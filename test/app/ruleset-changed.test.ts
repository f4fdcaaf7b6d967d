// A capture across a change of the ruleset (lab 37: an insert, a delete, a full reload): the reader's ruleset events
// are counted and said, and a dump that does not fit the capture is found by its deciding rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MisfitRules } from '../../src/app/misfit-rules.js';
import { LineFeed } from '../../src/app/replay-feed.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const dir = join(import.meta.dirname, '../fixtures/unseen37');
const read = (name: string): string => gunzipSync(readFileSync(join(dir, name))).toString('utf8');

function changesOf(text: string): LineFeed['changes'] {
  const feed = new LineFeed('auto', { event: () => undefined, tick: () => undefined });
  for (const line of text.split('\n')) feed.line(line, false);
  feed.end();
  return feed.changes;
}

describe('ruleset events in the capture', () => {
  it('nft monitor (trace and ruleset events): every change counted, the first kept', () => {
    const c = changesOf(read('iptnft/nft-monitor-all.txt.gz'));
    expect(c.count).toBe(103);
    expect(c.first).toBe(
      'insert rule ip filter FORWARD iifname "fc" oifname "fs" tcp dport 443 counter packets 0 bytes 0 drop',
    );
  });

  it('nft monitor trace alone prints no events: nothing to count', () => {
    expect(changesOf(read('iptnft/nft-monitor-trace.txt.gz')).count).toBe(0);
  });

  it('xtables-monitor EVENT lines', () => {
    const c = changesOf(readFileSync(join(dir, 'xtables/xtables-monitor-event-mini.txt'), 'utf8'));
    expect(c.count).toBeGreaterThan(0);
  });
});

describe('a dump the capture did not run through', () => {
  const misfits = (folder: string, capture: string, ...dumps: string[]): MisfitRules => {
    const m = new MisfitRules();
    for (const t of fixtureReplay(folder).replay(capture, ...dumps).traces) m.see(t);
    return m;
  };

  it('the kernel log of phases A-E with the dump of phase A: deciding rules that cannot have matched', () => {
    const m = misfits(
      'unseen37',
      'legacy/kernlog-trace.txt.gz',
      'legacy/dump-A.iptables-save.txt',
      'legacy/dump-A.ip6tables-save.txt',
    );
    expect(m.warning()).toMatch(
      /^\d+ traces are decided by a rule of the ruleset given that cannot have matched the packet \(first: trace k\d+, filter\/FORWARD rule \d+, -A FORWARD .*, but the packet .*\): the dump is not the ruleset the capture ran through/,
    );
  });

  it('a capture with the dump taken with it: no warning', () => {
    expect(
      misfits(
        'unseen35',
        'cap3-dmesg-W.txt',
        'cap3-iptables-legacy-save-c.txt',
        'cap3-ip6tables-legacy-save-c.txt',
      ).warning(),
    ).toBeNull();
  });
});
