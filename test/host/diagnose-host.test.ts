// The session's entry point with a stand-in runner: the commands it runs (argv, inside the netns), facts
// and route answers cached (~2 s, bounded), the extra lookups only when the kernel refused the packet,
// and failures that give no findings and one warning, never an exception.
import { SYSCTL_KEYS } from '../../src/host/facts-sysctl.js';
import { describe, expect, it } from 'vitest';
import { HostChecker } from '../../src/host/diagnose-host.js';
import { FactsCache } from '../../src/host/facts-cache.js';
import { RouteCache } from '../../src/host/route-cache.js';
import type { CommandSpec } from '../../src/model/command.js';
import type { CommandResult } from '../../src/sys/exec.js';
import { fixture } from './facts-kit.js';
import { deliveredToInput, step, stoppedInPrerouting, SYN, trace, TRACER, UDP } from './traces.js';

const ok = (stdout: string): CommandResult => ({ ok: true, exitCode: 0, stdout, stderr: '', summary: '' });
const fail = (stderr: string, exitCode = 2): CommandResult => ({
  ok: false,
  exitCode,
  stdout: '',
  stderr,
  summary: stderr.trim(),
});

/** Answers like the recorded router with ip_forward=0; counts what it was asked. */
class FakeHost {
  readonly asked: CommandSpec[] = [];
  sysctl = fixture('sysctl-router.txt')
    .replace('net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward = 0')
    .replace('net.ipv4.conf.hc-rc.forwarding = 1', 'net.ipv4.conf.hc-rc.forwarding = 0');
  route: CommandResult = fail('RTNETLINK answers: No route to host\n');
  readonly run = (cmd: CommandSpec): Promise<CommandResult> => {
    this.asked.push(cmd);
    const [tool, ...args] = cmd.argv;
    if (tool === 'sysctl') return Promise.resolve(ok(this.sysctl));
    if (tool === 'ss') return Promise.resolve(ok(args.includes('-Hlnt') ? '' : fixture('ss-udp-all.txt')));
    if (tool === 'ip' && args.includes('addr')) return Promise.resolve(ok(fixture('ip-addr-router.json')));
    if (tool === 'ip' && args.includes('iif')) return Promise.resolve(this.route);
    if (tool === 'ip') return Promise.resolve(ok('[{"dst":"10.78.2.99","dev":"hc-rs","flags":[],"cache":[]}]'));
    return Promise.resolve(fail('unexpected'));
  };
  count(tool: string, word?: string): number {
    return this.asked.filter((c) => c.argv[0] === tool && (word === undefined || c.argv.includes(word))).length;
  }
}

function checker(host: FakeHost, clock: { t: number }, warn?: (m: string) => void): HostChecker {
  return new HostChecker({ netns: 'fw', run: host.run, now: () => clock.t, ...(warn ? { warn } : {}) });
}

describe('HostChecker', () => {
  it('runs argv arrays inside the traced namespace and names the cause', async () => {
    const host = new FakeHost();
    const r = await checker(host, { t: 0 }).diagnose(stoppedInPrerouting(UDP), null);
    expect(r.diagnosis.findings.map((f) => f.check)).toEqual(['ip_forward']);
    expect(r.explanation).toContain('net.ipv4.ip_forward is 0 in netns fw');
    expect(host.asked.every((c) => c.netns === 'fw')).toBe(true);
    expect(host.asked.map((c) => c.argv.join(' '))).toEqual(
      expect.arrayContaining([
        'ip -d -j addr show',
        'ss -Hlnt',
        'ss -Hanu',
        'ip -j -4 route get 10.78.2.2 from 10.78.1.2 iif hc-rc',
      ]),
    );
    expect(host.asked.find((c) => c.argv[0] === 'sysctl')?.argv).toEqual(['sysctl', '-e', ...SYSCTL_KEYS]);
    expect(SYSCTL_KEYS).toContain('net.ipv4.conf'); // every interface's rp_filter and forwarding in the same call
  });

  it('gathers facts at most every 2 s and asks the route of a packet once per 2 s', async () => {
    const host = new FakeHost();
    const clock = { t: 0 };
    const c = checker(host, clock);
    await Promise.all([c.diagnose(stoppedInPrerouting(UDP), null), c.diagnose(stoppedInPrerouting(UDP), null)]);
    clock.t = 1500;
    await c.diagnose(stoppedInPrerouting(UDP), null);
    expect(host.count('sysctl')).toBe(1);
    expect(host.count('ip', 'iif')).toBe(1);
    await c.diagnose(stoppedInPrerouting({ ...UDP, sport: 40001 }), null);
    expect(host.count('ip', 'iif')).toBe(1);
    await c.diagnose(stoppedInPrerouting({ ...UDP, src: '10.78.1.3' }), null);
    expect(host.count('ip', 'iif')).toBe(2);
    clock.t = 2100;
    await c.diagnose(stoppedInPrerouting(UDP), null);
    expect(host.count('sysctl')).toBe(2);
    expect(host.count('ip', 'iif')).toBe(3);
  });

  it('asks nothing at all for a forwarded packet or one a rule dropped', async () => {
    const host = new FakeHost();
    const c = checker(host, { t: 0 });
    const forwarded = trace({
      packet: UDP,
      steps: [...TRACER, step('forward', 'forward', 'accept', null)],
      explanation: 'kept',
    });
    const dropped = trace({
      packet: UDP,
      steps: [...TRACER, step('forward', 'forward', 'drop', 'ct state invalid drop')],
    });
    expect((await c.diagnose(forwarded, null)).explanation).toBe('kept');
    expect((await c.diagnose(dropped, null)).diagnosis.findings.map((f) => f.check)).toEqual(['conntrack-invalid']);
    expect(host.asked).toEqual([]);
  });

  it('asks no route for a packet that got past prerouting', async () => {
    const host = new FakeHost();
    await checker(host, { t: 0 }).diagnose(deliveredToInput(SYN), null);
    expect(host.count('ip', 'route')).toBe(0);
  });

  it('asks the way back and the output route only when the kernel refused with EINVAL', async () => {
    const host = new FakeHost();
    host.sysctl = fixture('sysctl-router.txt');
    host.route = fail('RTNETLINK answers: Invalid argument\n');
    const r = await checker(host, { t: 0 }).diagnose(stoppedInPrerouting({ ...UDP, src: '10.78.2.99' }), null);
    const routes = host.asked.filter((c) => c.argv.includes('route')).map((c) => c.argv.slice(3).join(' '));
    expect(routes).toEqual([
      'route get 10.78.2.2 from 10.78.2.99 iif hc-rc',
      'route get 10.78.2.99',
      'route get 10.78.2.2',
    ]);
    expect(r.diagnosis.findings[0]?.text).toContain('the route back to 10.78.2.99 leaves by hc-rs');
  });

  it('a command that fails: findings from the rest, and one warning', async () => {
    const host = new FakeHost();
    const runs = host.run;
    const warnings: string[] = [];
    const clock = { t: 0 };
    const c = new HostChecker({
      netns: 'fw',
      now: () => clock.t,
      warn: (m) => warnings.push(m),
      run: (cmd) => (cmd.argv[0] === 'ss' ? Promise.resolve(fail('ss: command not found', 127)) : runs(cmd)),
    });
    const r = await c.diagnose(stoppedInPrerouting(UDP), null);
    clock.t = 5000;
    await c.diagnose(stoppedInPrerouting(UDP), null);
    expect(r.diagnosis.findings.map((f) => f.check)).toEqual(['ip_forward']);
    expect(warnings).toEqual([
      'host checks in netns fw: could not read ss: ss: command not found; ss: ss: command not found; their findings may be missing',
    ]);
  });

  it('never throws: a runner that throws gives no findings, the trace explanation, and one warning', async () => {
    const warnings: string[] = [];
    const c = new HostChecker({
      netns: 'fw',
      warn: (m) => warnings.push(m),
      run: () => Promise.reject(new Error('boom')),
    });
    const t = stoppedInPrerouting(UDP);
    const drop = { reason: 'IP_RPFILTER', location: null, protocol: 2048, stamp: 1 };
    const r = await c.diagnose(t, drop);
    expect(r.diagnosis.kernelDrop).toBe(drop);
    expect(r.explanation).not.toBe('');
    await c.diagnose(t, null);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('boom');
  });
});

describe('caches', () => {
  it('FactsCache: one gathering at a time, kept for maxAgeMs, the old facts when a gathering fails', async () => {
    let calls = 0;
    let failNext = false;
    const cache = new FactsCache((now) => {
      calls++;
      if (failNext) return Promise.reject(new Error('x'));
      return Promise.resolve({ at: now } as never);
    }, 1000);
    const [a, b] = await Promise.all([cache.get(0), cache.get(10)]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    await cache.get(999);
    expect(calls).toBe(1);
    failNext = true;
    expect(await cache.get(1000)).toBe(a);
    expect(calls).toBe(2);
  });

  it('RouteCache: bounded, oldest out first, answers expire', async () => {
    let calls = 0;
    const cache = new RouteCache(
      (q) => {
        calls++;
        return Promise.resolve({ query: q, input: { kind: 'unknown', message: '' }, reverse: null, output: null });
      },
      1000,
      2,
    );
    const q = (src: string) => ({ version: 4 as const, src, dst: '10.0.0.1', iif: 'eth0', mark: null });
    await cache.get(q('a'), 0);
    await cache.get(q('b'), 0);
    await cache.get(q('c'), 0);
    expect(cache.size).toBe(2);
    await cache.get(q('b'), 500);
    expect(calls).toBe(3);
    await cache.get(q('a'), 500);
    expect(calls).toBe(4);
    await cache.get(q('a'), 1600);
    expect(calls).toBe(5);
  });
});
