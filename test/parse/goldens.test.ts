// Every parser fixture through a LineParser forced to its dialect → golden ParseOutcome stream; `auto` must agree.
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../helpers/golden.js';
import { FIXTURES, eventsOf, fixtureCases, fixtureLines, formatGolden, runLines } from './fixtures.js';

const CASES = fixtureCases();

describe('parser goldens (LineParser per fixture)', () => {
  it('has fixtures for every dialect', () => {
    expect(new Set(CASES.map(([d]) => d))).toEqual(new Set(['nft', 'xtables', 'kernlog']));
  });

  it.each(CASES)('%s/%s', (dialect, name) => {
    const lines = fixtureLines(dialect, name);
    expect(lines[0]).toMatch(/^# source: /);
    const emitted = runLines(dialect, lines);
    expectGolden(`${FIXTURES}${dialect}/${name}.events.json`, formatGolden(emitted));
  });

  it.each(CASES)('auto-detection yields the same events as --format %s for %s', (dialect, name) => {
    const lines = fixtureLines(dialect, name);
    const forced = runLines(dialect, lines);
    const auto = runLines('auto', lines);
    expect(eventsOf(auto.map((e) => e.outcome))).toEqual(eventsOf(forced.map((e) => e.outcome)));
    expect(auto.map((e) => e.outcome.kind)).toEqual(forced.map((e) => e.outcome.kind));
  });
});
