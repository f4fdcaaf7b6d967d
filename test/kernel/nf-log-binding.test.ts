// A namespace whose IPv4 and IPv6 packet logging is bound to nfnetlink_log (ulogd): the legacy backend's warning
// names the command that binds the kernel log's logger again, and that command works (review 57: it said
// `echo nf_log_syslog`, which the kernel refuses with an I/O error).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { warnAboutLogging } from '../../src/app/live/preflight.js';
import type { TracePlan } from '../../src/model/plan.js';
import { announceSkip, inNetns } from './kit.js';

const SKIP = announceSkip();
const NS = `fwt-nflog-${process.pid}`;

beforeAll(() => {
  if (SKIP) return;
  execFileSync('ip', ['netns', 'add', NS]);
  for (const family of ['2', '10'])
    inNetns(NS, ['sh', '-c', `echo nfnetlink_log > /proc/sys/net/netfilter/nf_log/${family}`]);
});

afterAll(() => {
  if (!SKIP) execFileSync('ip', ['netns', 'del', NS]);
});

it.skipIf(SKIP)('the warning’s own command binds the kernel log again, for IPv4 and IPv6', async () => {
  const warnings: string[] = [];
  await warnAboutLogging({ netns: NS } as TracePlan, (m) => warnings.push(m));
  expect(warnings).toHaveLength(2);
  for (const [i, family, logger] of [
    [0, '2', 'nf_log_ipv4'],
    [1, '10', 'nf_log_ipv6'],
  ] as const) {
    const m = /To read them here: ip netns exec (\S+) sh -c '([^']+)'/.exec(warnings[i]!);
    expect(m?.[1]).toBe(NS);
    expect(m?.[2]).toBe(`echo ${logger} > /proc/sys/net/netfilter/nf_log/${family}`);
    inNetns(NS, ['sh', '-c', m![2]!]);
    expect(inNetns(NS, ['cat', `/proc/sys/net/netfilter/nf_log/${family}`]).trim()).toBe(logger);
  }
  const after: string[] = [];
  await warnAboutLogging({ netns: NS } as TracePlan, (m) => after.push(m));
  expect(after).toEqual([]);
});
