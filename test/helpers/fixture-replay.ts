// Replays captures from one folder of test/fixtures, with ruleset dumps from the same folder, as `replay --rules`
// does; every line of a clean capture must parse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { replayText } from './replay-text.js';

export function fixtureReplay(folder: string): {
  read: (name: string) => string;
  replay: (capture: string, ...rules: string[]) => ReturnType<typeof replayText>;
} {
  const dir = join(import.meta.dirname, '../fixtures', folder);
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const replay = (capture: string, ...rules: string[]): ReturnType<typeof replayText> => {
    const r = replayText(read(capture), { dumps: rules.map(read) });
    expect(r.unparsed).toBe(0);
    return r;
  };
  return { read, replay };
}
