// Why-data on real captures in every dialect: the FORWARD policy drop of tcp/9999 names the tcp/80 web rule
// (dport 80 vs 9999) and the 5432 DB rule as near misses; db-denied is a rule drop through LOG_AND_DROP with
// its jump path; ipv6-drop compares IPv6 rules only. Nothing that cannot be compared is claimed.
import { describe, expect, it } from 'vitest';
import type { NearMiss, Trace } from '../../src/model/trace.js';
import { chainName, RUNS, traces } from './captures.js';

const only = (ts: Trace[], pred: (t: Trace) => boolean): Trace => {
  const hits = ts.filter(pred);
  expect(hits).toHaveLength(1);
  return hits[0]!;
};
const dropped = (t: Trace): boolean => t.verdict.action === 'drop';
const ruleText = (n: NearMiss): string => [n.rule.text, ...n.via.map((v) => v.rule.text)].join(' | ');

for (const run of RUNS) {
  describe(`${run.dialect} read by ${run.reader}`, () => {
    const FORWARD = chainName(run, 'FORWARD');

    describe('default-drop: tcp 10.66.1.2 -> 10.66.2.2:9999 falls to the FORWARD policy', () => {
      const t = only(traces(run, 'default-drop'), dropped);
      const why = t.why!;

      it('is decided by the policy, with no jump path', () => {
        expect(why.decidedBy).toMatchObject({
          hook: 'forward',
          table: 'filter',
          chain: FORWARD,
          by: 'policy',
          rule: null,
        });
        expect(why.path).toEqual([]);
      });

      it('the closest near miss is the tcp/80 web rule: only dport differs (80 vs 9999)', () => {
        const [best] = why.nearMisses;
        expect(best).toMatchObject({ chain: FORWARD, verdict: 'would-accept', via: [], unknown: [] });
        expect(best!.failed).toEqual([{ field: 'dport', want: '80', got: '9999' }]);
        expect(best!.rule.text).toMatch(/10\.66\.2\.0\/24.*(?:--dport|dport) 80\b.*(?:ACCEPT|accept)/);
        expect(best!.text).toMatch(
          /^rule \d+ would accept tcp dport 80 to 10\.66\.2\.0\/24, but this packet goes to port 9999$/,
        );
      });

      it('the 5432 rule is a near miss through DB-ALLOW: dport and source differ', () => {
        const db = why.nearMisses.find((n) => ruleText(n).includes('5432'));
        expect(db).toBeDefined();
        expect(db!.via).toEqual([
          { chain: chainName(run, 'DB-ALLOW'), rule: expect.objectContaining({ position: 1 }) as unknown },
        ]);
        expect(db!.failed).toEqual([
          { field: 'dport', want: '5432', got: '9999' },
          { field: 'src', want: '10.66.1.5/32', got: '10.66.1.2' },
        ]);
        expect(db!.text).toContain('would accept tcp dport 5432 from 10.66.1.5/32');
        expect(db!.text).toContain('but this packet goes to port 9999 and comes from 10.66.1.2');
      });

      it('keeps at most 3, best first, all certain; replies-only rules are not near misses', () => {
        expect(why.nearMisses).toHaveLength(3);
        const fails = why.nearMisses.map((n) => n.failed.length);
        expect([...fails].sort((a, b) => a - b)).toEqual(fails);
        expect(why.nearMisses.every((n) => n.verdict === 'would-accept')).toBe(true);
        expect(why.nearMisses.some((n) => /established/i.test(n.rule.text ?? ''))).toBe(false);
      });

      it('the mark rule is listed as cannot compare, with the condition text', () => {
        const unsure = why.cannotCompare.map((c) => c.matches.join(' '));
        expect(unsure.some((m) => /mark/.test(m))).toBe(true);
      });

      it('the SSH rate-limit rule is not: its own tcp dport 22 already fails for this packet', () => {
        const unsure = why.cannotCompare.map((c) => c.matches.join(' '));
        expect(unsure.some((m) => /recent|limit rate/.test(m))).toBe(false);
      });

      it('the explanation names the policy and the best near miss', () => {
        expect(t.explanation).toMatch(
          new RegExp(
            `^dropped by the DROP policy of filter/${FORWARD}: no rule accepted it; closest: rule \\d+ would accept tcp dport 80 to 10\\.66\\.2\\.0/24, but this packet goes to port 9999$`,
          ),
        );
      });
    });

    describe('db-denied: DB-ALLOW -> LOG_AND_DROP drops 10.66.1.2 -> 5432', () => {
      const t = only(traces(run, 'db-denied'), dropped);
      const why = t.why!;

      it('is decided by the catch-all DROP rule, and the path is FORWARD -> DB-ALLOW -> LOG_AND_DROP', () => {
        expect(why.decidedBy).toMatchObject({ table: 'filter', chain: chainName(run, 'LOG_AND_DROP'), by: 'rule' });
        expect(why.decidedBy!.rule?.position).toBe(2);
        expect(why.path.map((l) => [l.chain, l.rule?.position, l.verdict, l.target])).toEqual([
          [FORWARD, run.dialect === 'nft' ? 8 : 7, 'jump', chainName(run, 'DB-ALLOW')],
          [chainName(run, 'DB-ALLOW'), 2, 'goto', chainName(run, 'LOG_AND_DROP')],
        ]);
        expect(t.explanation).toContain(
          `reached from ${FORWARD} rule ${run.dialect === 'nft' ? 8 : 7} -> ${chainName(run, 'DB-ALLOW')} rule 2`,
        );
      });

      it('the unconditional goto lets the DB-ALLOW accept rule count: only the source differs', () => {
        expect(why.nearMisses).toHaveLength(1);
        expect(why.nearMisses[0]).toMatchObject({
          chain: chainName(run, 'DB-ALLOW'),
          rule: { position: 1 },
          verdict: 'would-accept',
          failed: [{ field: 'src', want: '10.66.1.5/32', got: '10.66.1.2' }],
        });
        expect(t.explanation).toMatch(
          /; closest: \S+ rule 1 would accept from 10\.66\.1\.5\/32, but this packet comes from 10\.66\.1\.2$/,
        );
      });
    });

    describe('ipv6-drop: tcp [fd66:1::2] -> [fd66:2::2]:9999', () => {
      const t = only(traces(run, 'ipv6-drop'), dropped);
      const why = t.why!;

      it('the IPv6 tcp/80 rule is the closest; IPv4-only rules of an inet table are not near misses', () => {
        expect(why.decidedBy).toMatchObject({ chain: FORWARD, by: 'policy' });
        expect(why.nearMisses[0]).toMatchObject({
          verdict: 'would-accept',
          failed: [{ field: 'dport', want: '80', got: '9999' }],
        });
        expect(why.nearMisses[0]!.text).toContain('to fd66:2::/64');
        const all = [...why.nearMisses.map((n) => n.text), ...why.cannotCompare.map((c) => c.rule.text ?? '')].join(
          '\n',
        );
        expect(all).not.toMatch(/10\.66\./);
      });
    });

    it('accepted and conditionally dropped packets have no near misses (and nothing is invented)', () => {
      for (const scenario of ['web-allowed', 'invalid', 'icmp-reject']) {
        for (const t of traces(run, scenario)) {
          if (t.verdict.by === 'rule' && t.why?.decidedBy?.rule?.text?.match(/INVALID|invalid|514|ACCEPT|accept/)) {
            expect(t.why.nearMisses).toEqual([]);
          }
        }
      }
    });
  });
}
