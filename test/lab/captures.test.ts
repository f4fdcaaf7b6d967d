// Integrity of the live captures in test/fixtures/captures (made by scripts/capture): every scenario of
// scripts/lab has its files in every dialect, each starts with its "# source:" line, and the small
// independent checker (scripts/capture.d/check.js) finds in each capture what expect.json says.
// No root needed: reads files only.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labScenarios } from './lab.js';

const DIR = fileURLToPath(new URL('../fixtures/captures/', import.meta.url));
const CHECK = fileURLToPath(new URL('../../scripts/capture.d/check.js', import.meta.url));
const READERS = { legacy: ['kernlog'], xtables: ['xtables-monitor', 'nft-monitor'], nft: ['nft-monitor'] } as const;

interface Expect {
  version: number;
  scenarios: Record<string, { summary: string; packets: unknown[] }>;
}

const expectJson = JSON.parse(readFileSync(`${DIR}expect.json`, 'utf8')) as Expect;

describe('live capture fixtures', () => {
  it('expect.json covers exactly the lab scenarios', () => {
    expect(Object.keys(expectJson.scenarios).sort()).toEqual(labScenarios().sort());
  });

  for (const [dialect, readers] of Object.entries(READERS)) {
    for (const scenario of Object.keys(expectJson.scenarios)) {
      it(`${dialect}/${scenario}: capture files, counts and rules are there`, () => {
        for (const reader of readers) {
          const text = readFileSync(`${DIR}${dialect}/${reader}/${scenario}.txt`, 'utf8');
          expect(text.startsWith('# source: captured live by scripts/capture, kernel ')).toBe(true);
          expect(text.split('\n').length).toBeGreaterThan(2);
        }
        const counts = JSON.parse(readFileSync(`${DIR}${dialect}/${scenario}.counts.json`, 'utf8')) as {
          total: number;
        };
        expect(counts.total).toBeGreaterThan(0);
        for (const f of ['rules.iptables-save', 'rules.ip6tables-save', 'rules.nft', 'rules.nft.json']) {
          expect(existsSync(`${DIR}${dialect}/rules/${scenario}/${f}`)).toBe(true);
        }
      });
    }
  }

  it('every capture shows what expect.json says (independent checker)', () => {
    const out = execFileSync(process.execPath, [CHECK, DIR], { encoding: 'utf8' });
    expect(out).not.toMatch(/^(FAIL|MISSING)/m);
  });
});
