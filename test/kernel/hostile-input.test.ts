// Item 4 of the kernel suite (DESIGN "Safety" 4): hostile or malformed filters, interface names and
// namespace names are refused before anything changes: exit 2, one message with the position of the
// error, with and without --dry-run; the ruleset, the state directory and nf_log_all_netns are untouched
// (a legacy lab: the backend that would touch the most).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab } from '../lab/lab.js';
import {
  announceSkip,
  baseline,
  expectSysctlUnchanged,
  readersInNetns,
  rulesetSnapshot,
  runCli,
  stateFilesOf,
  type Baseline,
} from './kit.js';

const SKIP = announceSkip();

/** [what, extra argv, FILTER, what stderr must say]. */
const HOSTILE: readonly (readonly [string, readonly string[], string, RegExp])[] = [
  ['shell command after ;', [], 'tcp port 22; rm -rf /', /column 12: unexpected character ";"/],
  ['command substitution', [], '$(reboot)', /column 1: unexpected character "\$"/],
  ['backticks', [], 'tcp and `reboot`', /unexpected character "`"/],
  ['pipe', [], 'tcp port 22 | tee /etc/passwd', /column 13: "\|" is not an operator/],
  ['redirection', [], 'tcp port 22 > /etc/passwd', /column 13: unexpected character ">"/],
  ['IPv4 with a leading zero', [], 'host 010.1.1.1', /"010\.1\.1\.1" is not an IPv4 address/],
  ['IPv4 octet above 255', [], 'host 10.0.0.256', /"10\.0\.0\.256" is not an IPv4 address/],
  ['port above 65535', [], 'tcp port 65536', /"65536" is not a port/],
  ['negative port', [], 'port -1', /"-1" is not a port/],
  ['reversed port range', [], 'portrange 20-10', /first port is above the last/],
  ['interface with ;', ['-i', 'eth0;ls'], 'tcp', /bad --in interface "eth0;ls"/],
  ['interface of 16 characters', ['-i', 'abcdefghijklmnop'], 'tcp', /longer than 15 characters/],
  ['interface ..', ['-o', '..'], 'tcp', /bad --out interface/],
  ['interface with a slash', ['-o', 'eth0/../x'], 'tcp', /bad --out interface/],
];

describe.skipIf(SKIP)('hostile input is refused before anything changes', () => {
  let lab: Lab | undefined;
  let base: Baseline;

  beforeAll(() => {
    lab = labUp('legacy');
    base = baseline(lab.fwNetns);
  });

  afterAll(() => {
    lab?.down();
  });

  const expectUntouched = (pid: number): void => {
    expect(rulesetSnapshot(lab!.fwNetns)).toBe(base.ruleset);
    expectSysctlUnchanged(base);
    expect(stateFilesOf(pid), 'no state file of this run').toEqual([]);
    expect(readersInNetns(lab!.fwNetns)).toEqual([]);
  };

  for (const [what, extra, filter, message] of HOSTILE) {
    for (const dry of [false, true]) {
      it(`${what}${dry ? ' (--dry-run)' : ''}: exit 2, "${message.source}"`, async () => {
        const argv = [
          '--netns',
          lab!.fwNetns,
          '--backend',
          'legacy',
          '--json',
          ...(dry ? ['--dry-run'] : []),
          ...extra,
          filter,
        ];
        const r = await runCli(argv);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stdout, 'nothing on stdout (no armed record, no plan)').toBe('');
        expect(r.stderr).toMatch(/^fwtrace: /);
        expect(r.stderr).toMatch(message);
        expect(r.stderr, 'the position is shown').toMatch(/\n\s*\^/);
        expect(r.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
        expectUntouched(r.pid);
      });
    }
  }

  it('a namespace name with shell characters: exit 2, nothing runs', async () => {
    for (const dry of [false, true]) {
      const r = await runCli([
        '--netns',
        `${lab!.fwNetns};reboot`,
        '--backend',
        'nft',
        ...(dry ? ['--dry-run'] : []),
        'tcp',
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/no network namespace named/);
      expectUntouched(r.pid);
    }
  });

  it('an unknown backend: exit 2', async () => {
    const r = await runCli(['--netns', lab!.fwNetns, '--backend', 'iptables;ls', 'tcp']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/backend/);
    expectUntouched(r.pid);
  });
});
