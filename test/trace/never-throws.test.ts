// The whole pure pipeline (parse → assemble → NDJSON) never throws, whatever the input.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { traceJsonLine } from '../../src/ui/json/schema.js';
import { replayText } from '../helpers/replay-text.js';

const real = [
  'test/fixtures/captures/legacy/kernlog/kube-service.txt',
  'test/fixtures/captures/xtables/xtables-monitor/icmp-reject.txt',
  'test/fixtures/captures/nft/nft-monitor/portforward.txt',
].flatMap((f) => readFileSync(f, 'utf8').split('\n'));
const rules = [readFileSync('test/fixtures/captures/legacy/rules/kube-service/rules.iptables-save', 'utf8')];

/** A real line cut, spliced or with characters replaced: near-misses are where parsers break. */
const mutated = fc
  .tuple(fc.constantFrom(...real), fc.nat(400), fc.nat(400), fc.string({ maxLength: 12 }))
  .map(([line, a, b, junk]) => line.slice(0, Math.min(a, b)) + junk + line.slice(Math.max(a, b)));

describe('replay pipeline', () => {
  it('never throws on arbitrary lines and mutated real lines, and its output is valid JSON', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 300 }), mutated, fc.constantFrom(...real)), { maxLength: 60 }),
        (lines) => {
          const { traces } = replayText(lines.join('\n'), { dumps: rules });
          for (const t of traces) {
            const json = traceJsonLine(t);
            expect(() => JSON.parse(json) as unknown).not.toThrow();
            expect(json).not.toMatch(/undefined|NaN|\[object Object\]/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
