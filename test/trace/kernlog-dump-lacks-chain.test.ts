// A kernel-log trace whose last line is in a chain the dump given does not hold: the dump lacks it, not the capture
// (review 49: it read "events were lost, the reader stopped, or the capture ends mid-packet").
import { expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('captures');

it('a kernel-log capture given the nft dump of another flavour says what the dump lacks', () => {
  const t = replay('legacy/kernlog/db-denied.txt', 'nft/rules/db-denied/rules.nft').traces[0]!;
  expect(t.explanation).toBe(
    'no verdict seen: the trace ends at filter/LOG_AND_DROP (return); kernel-log lines carry no verdict, and the ruleset given has no ip filter/LOG_AND_DROP: add iptables-save output to decide',
  );
});
