// The kernel's own drop reasons (skb:kfree_skb through a tracefs instance of our own), on real packets in
// namespaces of this test (fwdr<pid>*): client c, server s, router r (one veth each way, 10.77.0.0/24).
// The tracepoint is global: other tests on this host drop packets too, so every check looks for *our*
// drop (reason, IP version, moment of our send) among whatever else comes, never for silence.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDropWatch, type DropWatch } from '../../src/app/live/drop-watch.js';
import { DropRing } from '../../src/host/drop-match.js';
import type { KernelDrop } from '../../src/model/host.js';
import {
  createDropInstance,
  instanceName,
  openTracefs,
  topLevelDropEventEnabled,
  TRACEFS_ROOTS,
} from '../../src/sys/tracefs.js';
import { announceSkip, CLI, REPO, sleep, waitUntil } from './kit.js';

const SKIP = announceSkip();
const execFileAsync = promisify(execFile);

const P = `fwdr${process.pid}`;
const NS = { c: `${P}c`, s: `${P}s`, r: `${P}r` } as const;
const C_S = '10.77.0.1';
const S = '10.77.0.2';
const C_R = '10.77.0.65';
const R = '10.77.0.66';
/** Routed through r: r has a route to .130, none to .200. */
const BEYOND = '10.77.0.130';
const NOWHERE = '10.77.0.200';
/** A source address c owns but r has no route back to (rp_filter). */
const SPOOF = '10.77.0.250';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNs(ns: string, argv: readonly string[], input = ''): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...argv], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function labDown(): void {
  for (const ns of Object.values(NS)) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // Not there (setup failed before it).
    }
  }
}

function labUp(): void {
  labDown();
  for (const ns of Object.values(NS)) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  ip('link', 'add', `${P}cs`, 'netns', NS.c, 'type', 'veth', 'peer', 'name', `${P}sc`, 'netns', NS.s);
  ip('link', 'add', `${P}cr`, 'netns', NS.c, 'type', 'veth', 'peer', 'name', `${P}rc`, 'netns', NS.r);
  ip('-n', NS.c, 'addr', 'add', `${C_S}/26`, 'dev', `${P}cs`);
  ip('-n', NS.s, 'addr', 'add', `${S}/26`, 'dev', `${P}sc`);
  ip('-n', NS.c, 'addr', 'add', `${C_R}/26`, 'dev', `${P}cr`);
  ip('-n', NS.c, 'addr', 'add', `${SPOOF}/32`, 'dev', `${P}cr`);
  ip('-n', NS.r, 'addr', 'add', `${R}/26`, 'dev', `${P}rc`);
  for (const [ns, dev] of [
    [NS.c, 'cs'],
    [NS.s, 'sc'],
    [NS.c, 'cr'],
    [NS.r, 'rc'],
  ] as const)
    ip('-n', ns, 'link', 'set', `${P}${dev}`, 'up');
  ip('-n', NS.c, 'route', 'add', '10.77.0.128/25', 'via', R);
  // r knows a way to .128/26 (back through c: any unicast route will do), none to .192/26.
  ip('-n', NS.r, 'route', 'add', '10.77.0.128/26', 'via', C_R);
  inNs(NS.r, ['sysctl', '-qw', 'net.ipv4.ip_forward=0', 'net.ipv4.conf.all.rp_filter=0']);
}

/** A node one-liner in a namespace (argv only); resolves when it exits. */
async function nodeIn(ns: string, code: string): Promise<void> {
  await execFileAsync('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { timeout: 15_000 });
}

const tcpSyn = (dst: string, port: number): string =>
  `const s=require("net").connect(${port},"${dst}");s.on("error",()=>process.exit(0));setTimeout(()=>process.exit(0),1500)`;
const udp = (dst: string, port: number, src?: string): string =>
  `const s=require("dgram").createSocket("udp4");s.bind(${src ? `{address:"${src}"}` : '0'},()=>s.send("x",${port},"${dst}",()=>s.close()))`;

interface Seen {
  readonly drop: KernelDrop;
  readonly at: number;
}

/** One watch for the whole file: every drop it reads, with its date (ms, Date.now scale). */
let watch: DropWatch | null = null;
const seen: Seen[] = [];
const ring = new DropRing();
const SESSION = `${process.pid}_d7e0`;
let topLevelBefore: boolean | null = null;
let root = '';

/** Sends, then waits for a drop of `reason` (IPv4) dated within the send; returns all drops of that span. */
/** `where`: the drop's location must match too (the event is host-wide: another drop of that reason may come first). */
async function expectDrop(send: () => Promise<void>, reason: string, where?: RegExp): Promise<Seen[]> {
  const t0 = Date.now();
  await send();
  const t1 = Date.now();
  const mine = (): Seen[] => seen.filter((s) => s.at >= t0 - 50 && s.at <= t1 + 200 && s.drop.protocol === 2048);
  const wanted = (s: Seen): boolean => s.drop.reason === reason && (where?.test(s.drop.location ?? '') ?? true);
  await waitUntil(() => mine().some(wanted), 3000);
  const got = mine();
  expect(
    got.map((s) => s.drop.reason),
    `drops between the send and 200 ms after: ${got.map((s) => `${s.drop.reason}@${s.drop.location}`).join(', ')}`,
  ).toContain(reason);
  return got;
}

describe.skipIf(SKIP)('kernel drop reasons (skb:kfree_skb in a tracefs instance)', () => {
  beforeAll(async () => {
    labUp();
    const fs = await openTracefs();
    if (!fs.ok) throw new Error(fs.reason);
    root = fs.value.root;
    topLevelBefore = await topLevelDropEventEnabled(root);
    const warnings: string[] = [];
    watch = await startDropWatch(
      {
        session: SESSION,
        onDrop: (drop, at) => {
          seen.push({ drop, at });
          ring.push(drop, at);
        },
      },
      (m) => warnings.push(m),
    );
    if (!watch) throw new Error(`no drop watch: ${warnings.join('; ')}`);
  });

  afterAll(async () => {
    await watch?.stop();
    labDown();
  });

  it('the instance is ours, with kfree_skb enabled and filtered, and the top level untouched', () => {
    const path = `${root}/instances/${instanceName(SESSION)}`;
    expect(watch?.instance).toBe(path);
    expect(readFileSync(`${path}/events/skb/kfree_skb/enable`, 'utf8').trim()).toBe('1');
    expect(readFileSync(`${path}/events/skb/kfree_skb/filter`, 'utf8').trim()).toBe(
      '(protocol == 2048 || protocol == 34525)',
    );
    expect(readFileSync(`${path}/trace_clock`, 'utf8')).toContain('[mono]');
    // 64 KB asked; the kernel rounds up to whole pages.
    expect(Number(readFileSync(`${path}/buffer_size_kb`, 'utf8').trim())).toBeLessThanOrEqual(128);
    if (topLevelBefore === false) expect(readFileSync(`${root}/events/skb/kfree_skb/enable`, 'utf8').trim()).toBe('0');
  });

  it('(a) a TCP SYN to a port nobody listens on: NO_SOCKET, and the matcher gives it to that packet', async () => {
    const t0 = Date.now();
    const got = await expectDrop(() => nodeIn(NS.c, tcpSyn(S, 5432)), 'NO_SOCKET');
    expect(got.find((s) => s.drop.reason === 'NO_SOCKET')?.drop.location).toMatch(/^tcp_v4_rcv\+/);
    const picked = ring.assign([{ ipVersion: 4, first: t0, last: Date.now(), verdict: 'accept' }])[0];
    expect(picked?.drop.reason).toBeDefined();
  });

  it('(b) a UDP datagram to a closed port: NO_SOCKET (Linux 6.18)', async () => {
    const got = await expectDrop(() => nodeIn(NS.c, udp(S, 5433)), 'NO_SOCKET', /udp/);
    expect(got.find((s) => s.drop.reason === 'NO_SOCKET' && /udp/.test(s.drop.location ?? ''))).toBeDefined();
  });

  it('(c) dropped by an nft rule in the server namespace: NETFILTER_DROP, the one a drop verdict picks', async () => {
    inNs(
      NS.s,
      ['nft', '-f', '-'],
      'table inet fwdrtest {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport 6000 drop\n  }\n}\n',
    );
    const t0 = Date.now();
    await expectDrop(() => nodeIn(NS.c, tcpSyn(S, 6000)), 'NETFILTER_DROP');
    const picked = ring.pick({ ipVersion: 4, first: t0, last: Date.now(), verdict: 'drop' });
    expect(picked?.reason).toBe('NETFILTER_DROP');
  });

  it('routing: ip_forward off gives IP_INADDRERRORS, no route IP_INNOROUTES, rp_filter IP_RPFILTER', async () => {
    await expectDrop(() => nodeIn(NS.c, udp(BEYOND, 7000)), 'IP_INADDRERRORS');
    inNs(NS.r, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    await expectDrop(() => nodeIn(NS.c, udp(NOWHERE, 7001)), 'IP_INNOROUTES');
    inNs(NS.r, ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1', `net.ipv4.conf.${P}rc.rp_filter=1`]);
    await expectDrop(() => nodeIn(NS.c, udp(R, 7002, SPOOF)), 'IP_RPFILTER');
  });

  it('a second watch (another run) sees the same drops: the instances do not disturb each other', async () => {
    const other: KernelDrop[] = [];
    const second = await startDropWatch(
      { session: `${process.pid}_d7e1`, onDrop: (d) => other.push(d) },
      () => undefined,
    );
    expect(second).not.toBeNull();
    try {
      await expectDrop(() => nodeIn(NS.c, tcpSyn(S, 5434)), 'NO_SOCKET');
      expect(await waitUntil(() => other.some((d) => d.reason === 'NO_SOCKET'), 2000)).toBe(true);
    } finally {
      await second?.stop();
    }
    expect(existsSync(second!.instance)).toBe(false);
  });

  it('(d) stop(): the instance is gone, twice is fine, the top-level event was never enabled by us', async () => {
    const path = watch!.instance;
    await watch!.stop();
    await watch!.stop();
    expect(existsSync(path)).toBe(false);
    expect(await topLevelDropEventEnabled(root)).toBe(topLevelBefore);
    watch = null;
  });

  it('a process that stops its watch exits by itself at once (trace_pipe never blocks it)', async () => {
    const script = `
      import { startDropWatch } from '${REPO}dist/app/live/drop-watch.js';
      import { existsSync } from 'node:fs';
      const w = await startDropWatch({ session: process.pid + '_e1e1', onDrop: () => {} }, (m) => console.error(m));
      if (!w) process.exit(2);
      await new Promise((r) => setTimeout(r, 300));
      await w.stop();
      console.log(JSON.stringify({ instance: w.instance, left: existsSync(w.instance) }));
    `;
    const t0 = Date.now();
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 10_000,
    });
    const out = JSON.parse(stdout) as { instance: string; left: boolean };
    expect(out.left).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('(e) SIGKILL: the watchdog of the run (state file) removes the instance', async () => {
    const stateDir = mkdtempSync(`${tmpdir()}/fwdr-state-`);
    try {
      // A "run": a process with a live drop watch that is then killed without a chance to clean up.
      const script = `
        import { startDropWatch } from '${REPO}dist/app/live/drop-watch.js';
        const w = await startDropWatch({ session: process.pid + '_dead', onDrop: () => {} }, (m) => console.error(m));
        console.log(w ? w.instance : 'none');
        setInterval(() => {}, 1000);
      `;
      const run = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const instance = await new Promise<string>((resolve) =>
        run.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d.trim())),
      );
      const session = `${run.pid}_dead`;
      expect(instance).toBe(`${root}/instances/${instanceName(session)}`);
      expect(existsSync(instance)).toBe(true);
      // Its state file, as src/app/live/session.ts writes it (nothing in it names the instance).
      const state = `${stateDir}/${session}.json`;
      const record = {
        session,
        pid: run.pid,
        backend: 'nft',
        netns: null,
        started: new Date().toISOString(),
        remove: [],
        sysctl: null,
      };
      writeFileSync(state, JSON.stringify(record));
      const dog = spawn(process.execPath, [CLI, '__watchdog', state], {
        env: { ...process.env, FWTRACE_STATE_DIR: stateDir },
        stdio: 'ignore',
      });
      const dogExit = new Promise<number | null>((resolve) => dog.on('close', (code) => resolve(code)));
      await sleep(300);
      expect(existsSync(instance), 'the watchdog leaves a live run alone').toBe(true);
      run.kill('SIGKILL');
      expect(await dogExit).toBe(0);
      expect(existsSync(instance)).toBe(false);
      expect(existsSync(state)).toBe(false);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('`fwtrace cleanup` removes the instance of a dead run that has no state file any more', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('close', r));
    const session = `${dead.pid}_beef`;
    const made = await createDropInstance(root, session, { filter: null, bufferKb: 8 });
    expect(made.ok).toBe(true);
    const stateDir = mkdtempSync(`${tmpdir()}/fwdr-state-`);
    try {
      const env = { ...process.env, FWTRACE_STATE_DIR: stateDir };
      const dry = await execFileAsync(process.execPath, [CLI, 'cleanup', '--dry-run'], { env });
      expect(dry.stdout).toContain(`rmdir ${root}/instances/${instanceName(session)}`);
      expect(existsSync(`${root}/instances/${instanceName(session)}`)).toBe(true);
      const real = await execFileAsync(process.execPath, [CLI, 'cleanup'], { env });
      expect(real.stdout).toContain(`session ${session}: removed its tracefs instance`);
      expect(existsSync(`${root}/instances/${instanceName(session)}`)).toBe(false);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
      for (const r of TRACEFS_ROOTS)
        if (existsSync(`${r}/instances/${instanceName(session)}`)) rmdirSync(`${r}/instances/${instanceName(session)}`);
    }
  });
});
