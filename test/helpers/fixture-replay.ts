// Replays captures from one folder of test/fixtures, with ruleset dumps from the same folder, as `replay --rules`
// does; every line of a clean capture must parse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { replayText } from './replay-text.js';

export function fixtureReplay(folder: string): {
  read: (name: string) => string;
  replay: (capture: string, ...rules: string[]) => ReturnType<typeof replayText>;
} {
  const dir = join(import.meta.dirname, '../fixtures', folder);
  // Big captures are kept gzipped (`name.gz`); read by their own name.
  const read = (name: string): string => {
    const path = join(dir, name);
    return name.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  };
  const replay = (capture: string, ...rules: string[]): ReturnType<typeof replayText> => {
    const r = replayText(read(capture), { dumps: rules.map(read) });
    expect(r.unparsed).toBe(0);
    return r;
  };
  return { read, replay };
}
