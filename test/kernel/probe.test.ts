// --probe on the real kernel: the built CLI arms the trace in the lab's firewall namespace, sends one real
// packet from the lab's client (--probe-from) or from the firewall itself, and the NDJSON shows the
// `probe` record and the trace of exactly that packet (addresses, ports, SYN) with the verdict the lab
// policy gives it (test/fixtures/captures/expect.json). Also: a probe the filter cannot name exits 2 with
// nothing changed; one that cannot be sent exits 1 and still disarms; one that never passes the trace
// rules says so and stops. Every probe targets lab addresses only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab, type LabDialect } from '../lab/lab.js';
import { expectLikeOracle, loadOracle, type ExpectedPacket, type RuleStyle } from '../helpers/oracle.js';
import {
  announceSkip,
  baseline,
  expectNothingLeft,
  rulesetSnapshot,
  runCli,
  stateFilesOf,
  stopAllRuns,
  summarize,
  warnIfStale,
  type ArmedRec,
  type CliExit,
  type DisarmedRec,
  type Rec,
  type TraceRec,
} from './kit.js';

const SKIP = announceSkip();
if (!SKIP) warnIfStale();
const oracle = loadOracle();

interface ProbeRec extends Rec {
  readonly type: 'probe';
  readonly sent: boolean;
  readonly proto: string;
  readonly src: string | null;
  readonly sport: number | null;
  readonly dst: string;
  readonly dport: number | null;
  readonly from: string | null;
  readonly answer: string | null;
  readonly error: string | null;
}

interface ProbeRun {
  readonly exit: CliExit;
  readonly probe: ProbeRec;
  readonly traces: TraceRec[];
  readonly armed: ArmedRec;
  readonly disarmed: DisarmedRec;
}

/** Runs `fwtrace --netns FW --json ARGS…` to its end; checks it left nothing and wrote its records in order. */
async function probeRun(lab: Lab, args: readonly string[]): Promise<ProbeRun> {
  lab.reset();
  const base = baseline(lab.fwNetns);
  const exit = await runCli(['--netns', lab.fwNetns, '--json', ...args], {}, 30_000);
  const kinds = exit.records.map((r) => r.type);
  const armed = exit.records.find((r) => r.type === 'armed') as ArmedRec;
  const disarmed = exit.records.at(-1) as DisarmedRec;
  expect(armed, `armed record; stderr: ${exit.stderr}`).toBeDefined();
  await expectNothingLeft(base, armed.session, null);
  expect(disarmed).toMatchObject({ type: 'disarmed', clean: true, leftovers: [] });
  // armed first (warnings aside: legacy's sysctl), the probe record before any trace, disarmed last.
  expect(kinds.filter((k) => k !== 'warning')[0]).toBe('armed');
  expect(kinds.indexOf('probe'), kinds.join(' ')).toBeGreaterThan(0);
  const firstTrace = kinds.indexOf('trace');
  if (firstTrace >= 0) expect(kinds.indexOf('probe')).toBeLessThan(firstTrace);
  expect(kinds.filter((k) => k === 'probe')).toHaveLength(1);
  const probe = exit.records.find((r) => r.type === 'probe') as ProbeRec;
  const traces = exit.records.filter((r): r is Rec & TraceRec => r.type === 'trace');
  return { exit, probe, traces, armed, disarmed };
}

/** The oracle's packet with the probe's source port (the kernel picked it) in its match and NAT rewrites. */
function withSport(p: ExpectedPacket, sport: number): ExpectedPacket {
  const was = p.match['sport'];
  if (typeof was !== 'number') return p;
  return JSON.parse(
    JSON.stringify(p).replaceAll(`:${was}`, `:${sport}`).replaceAll(`"sport":${was}`, `"sport":${sport}`),
  ) as ExpectedPacket;
}

function scenario(name: string, nth = 0): ExpectedPacket {
  const p = oracle.scenarios[name]?.packets[nth];
  if (!p) throw new Error(`no ${name} #${nth} in the oracle`);
  return p;
}

/** The one trace is the probe's packet, and the policy's verdict is the oracle's. */
function expectProbeTrace(r: ProbeRun, want: ExpectedPacket, style: RuleStyle): void {
  const context = `traces:\n${summarize(r.traces)}\nstderr: ${r.exit.stderr}`;
  expect(r.exit.code, context).toBe(0);
  expect(r.disarmed.reason).toBe('count');
  expect(r.probe).toMatchObject({ sent: true, error: null });
  expect(r.traces, context).toHaveLength(1);
  const t = r.traces[0]!;
  expect(t.packet).toMatchObject({
    proto: r.probe.proto,
    src: r.probe.src,
    sport: r.probe.sport,
    dst: r.probe.dst,
    dport: r.probe.dport,
  });
  if (r.probe.proto === 'tcp') expect(t.packet.tcpFlags).toEqual(['SYN']);
  expectLikeOracle(t, withSport(want, r.probe.sport ?? 0), style, context);
}

describe.skipIf(SKIP)('--probe on an nft lab', () => {
  let lab: Lab;

  beforeAll(() => {
    lab = labUp('nft');
  });

  afterAll(async () => {
    await stopAllRuns();
    lab?.down();
  });

  it('a TCP SYN from the client to the DB port: dropped by log-and-drop (db-denied)', async () => {
    const r = await probeRun(lab, ['--probe-from', lab.clientNetns, 'tcp dst port 5432 and dst host 10.66.2.2']);
    expect(r.probe).toMatchObject({
      proto: 'tcp',
      src: '10.66.1.2',
      dst: '10.66.2.2',
      dport: 5432,
      from: lab.clientNetns,
      answer: 'none',
    });
    expectProbeTrace(r, scenario('db-denied'), 'nft');
  });

  it('from the allowed DB client address (src host): accepted by db-allow, masqueraded (db-allowed)', async () => {
    const r = await probeRun(lab, [
      '--probe-from',
      lab.clientNetns,
      'tcp dst port 5432 and dst host 10.66.2.2 and src host 10.66.1.5',
    ]);
    expect(r.probe).toMatchObject({ src: '10.66.1.5', answer: 'syn-ack' });
    expectProbeTrace(r, scenario('db-allowed'), 'nft');
  });

  it('a UDP datagram to the DNS port: accepted and masqueraded (masquerade)', async () => {
    const r = await probeRun(lab, ['--probe-from', lab.clientNetns, 'udp dst port 53 and dst host 10.66.2.2']);
    expect(r.probe).toMatchObject({ proto: 'udp', src: '10.66.1.2', dport: 53, answer: null });
    expectProbeTrace(r, scenario('masquerade'), 'nft');
  });

  it('from the firewall itself (--probe in --netns): its OUTPUT hook accepts (output)', async () => {
    const r = await probeRun(lab, ['--probe', 'udp dst port 53 and dst host 10.66.2.2']);
    expect(r.probe).toMatchObject({ src: '10.66.2.1', from: lab.fwNetns });
    expectProbeTrace(r, scenario('output'), 'nft');
  });

  it('over IPv6: a TCP SYN to the web port is accepted (ipv6-allowed)', async () => {
    const r = await probeRun(lab, ['--probe-from', lab.clientNetns, 'tcp port 80 and host fd66:2::2']);
    expect(r.probe).toMatchObject({ proto: 'tcp', src: 'fd66:1::2', dst: 'fd66:2::2', answer: 'syn-ack' });
    expectProbeTrace(r, scenario('ipv6-allowed'), 'nft');
  });

  it('an ICMP echo request: accepted by the forward echo-request rule, answered', async () => {
    const r = await probeRun(lab, ['--probe-from', lab.clientNetns, 'icmp and dst host 10.66.2.2']);
    expect(r.probe).toMatchObject({ sent: true, proto: 'icmp', dst: '10.66.2.2', answer: 'echo-reply' });
    expect(r.exit.code, r.exit.stderr).toBe(0);
    expect(r.traces, summarize(r.traces)).toHaveLength(1);
    expect(r.traces[0]!.packet).toMatchObject({ proto: 'icmp', src: '10.66.1.2', dst: '10.66.2.2' });
    expect(r.traces[0]!.verdict).toMatchObject({
      action: 'accept',
      hook: 'forward',
      by: 'rule',
      table: 'filter',
      chain: 'forward',
      rule: { text: 'icmp type echo-request accept' },
    });
  });

  it('a probe the filter cannot name exits 2 before anything is armed; the ruleset is identical', async () => {
    for (const [args, message] of [
      [['--probe', 'tcp port 5432'], '--probe needs a destination'],
      [
        ['--probe-from', lab.clientNetns, 'src host 10.66.1.9 and tcp dst port 5432 and dst host 10.66.2.2'],
        'is not an address of netns',
      ],
      [
        ['--probe-from', 'fwpr-no-such-netns', 'tcp dst port 5432 and dst host 10.66.2.2'],
        'no network namespace named',
      ],
    ] as const) {
      const before = rulesetSnapshot(lab.fwNetns);
      const exit = await runCli(['--netns', lab.fwNetns, '--json', ...args]);
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.stderr).toContain(message);
      expect(exit.stdout).toBe('');
      expect(stateFilesOf(exit.pid)).toEqual([]);
      expect(rulesetSnapshot(lab.fwNetns)).toBe(before);
    }
  });

  it('a probe that cannot be sent (no route from the firewall) is reported, exits 1, and disarms', async () => {
    const r = await probeRun(lab, ['--probe', 'tcp dst port 80 and dst host 10.99.0.1']);
    expect(r.exit.code).toBe(1);
    expect(r.probe).toMatchObject({ sent: false, proto: 'tcp', dst: '10.99.0.1', answer: null });
    expect(r.probe.error).toMatch(/ENETUNREACH/);
    expect(r.disarmed.reason).toMatch(/^error: the probe was not sent: connect ENETUNREACH/);
    expect(r.exit.stderr).toContain('fwtrace: stopped: error: the probe was not sent');
  });

  it('a probe that never passes the trace rules: says so and stops after a few seconds', async () => {
    // The server to itself: the packet never reaches the firewall.
    const r = await probeRun(lab, ['--probe-from', lab.serverNetns, 'tcp dst port 80 and dst host 10.66.2.2']);
    expect(r.exit.code, r.exit.stderr).toBe(0);
    expect(r.probe).toMatchObject({ sent: true, answer: 'syn-ack' });
    expect(r.traces).toEqual([]);
    const warnings = r.exit.records.filter((x) => x.type === 'warning').map((x) => String(x['message']));
    expect(warnings.some((w) => w.startsWith('no trace of the probe within 5 s'))).toBe(true);
    expect(r.disarmed.reason).toBe('timeout');
  });
});

const OTHER: { dialect: LabDialect; backend: string }[] = [
  { dialect: 'xtables', backend: 'xtables' },
  { dialect: 'legacy', backend: 'legacy' },
];

for (const c of OTHER) {
  describe.skipIf(SKIP)(`--probe on a ${c.dialect} lab (${c.backend} backend)`, () => {
    let lab: Lab;

    beforeAll(() => {
      lab = labUp(c.dialect);
    });

    afterAll(async () => {
      await stopAllRuns();
      lab?.down();
    });

    it('a TCP SYN from the client to the DB port: dropped by LOG_AND_DROP (db-denied)', async () => {
      const r = await probeRun(lab, [
        '--backend',
        c.backend,
        '--probe-from',
        lab.clientNetns,
        'tcp dst port 5432 and dst host 10.66.2.2',
      ]);
      expect(r.armed.backend).toBe(c.backend);
      expectProbeTrace(r, scenario('db-denied'), 'iptables');
    });
  });
}
