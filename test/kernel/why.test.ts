// Issue 5's "why" cases on the real kernel, per dialect and backend: a policy drop with its near-miss
// rules and the condition each failed, a drop reached through a jump and a goto (the chain path), a
// kube-proxy-style Service with two endpoints (which one, with what probability, the mark), and a
// Docker-style DOCKER-USER chain that drops (owned by docker's user chain). Traffic is real; the NDJSON
// `why`, `kubernetes` and `steps[].owner` of the built CLI are checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeService } from '../../src/model/trace.js';
import { labUp, type Lab, type LabDialect } from '../lab/lab.js';
import {
  announceSkip,
  inNetns,
  inPacketOrder,
  LAB_FILTER,
  rulesetSnapshot,
  sleep,
  startCli,
  stopAllRuns,
  summarize,
  traffic,
  type CliExit,
  type TraceRec,
} from './kit.js';

const SKIP = announceSkip();

interface FailedRec {
  readonly field: string;
  readonly want: string;
  readonly got: string;
}
interface NearMissRec {
  readonly chain: string;
  readonly rule: { readonly position: number | null; readonly text: string | null };
  readonly via: readonly { readonly chain: string }[];
  readonly verdict: string;
  readonly failed: readonly FailedRec[];
  readonly text: string;
}
interface WhyRec {
  readonly decidedBy: {
    readonly chain: string;
    readonly by: string;
    readonly rule: { readonly position: number | null; readonly text: string | null } | null;
    readonly owner: string | null;
  } | null;
  readonly path: readonly { readonly chain: string; readonly verdict: string; readonly target: string | null }[];
  readonly nearMisses: readonly NearMissRec[];
}
type WhyTrace = Omit<TraceRec, 'steps'> & {
  readonly explanation: string;
  readonly why: WhyRec | null;
  readonly kubernetes: KubeService | null;
  readonly steps: readonly { readonly chain: string; readonly owner: string | null }[];
};

const CASES: { dialect: LabDialect; backend: string }[] = [
  { dialect: 'nft', backend: 'nft' },
  { dialect: 'xtables', backend: 'xtables' },
  { dialect: 'legacy', backend: 'legacy' },
];

/** The lab's addresses and ports (scripts/lab.d/common.sh defaults). */
const CLIENT = '10.66.1.2';
const SERVER = '10.66.2.2';
const VIP = '10.96.0.10';
const ENDPOINTS = ['10.66.2.2:80', '10.66.2.3:80'];
/** A port only the DOCKER-USER rule this test adds cares about (the lab's policy would drop it anyway). */
const DOCKER_PORT = 8443;

/** A chain's name in the lab's dialect: native nft spells them in lower case with dashes. */
const upper = (dialect: LabDialect, name: string): string =>
  dialect === 'nft' ? name.toLowerCase().replaceAll('_', '-') : name;

/** A DROP at the top of the lab's DOCKER-USER chain for one client and port, as Docker users write it. */
function addDockerUserDrop(lab: Lab): void {
  if (lab.dialect === 'nft')
    inNetns(lab.fwNetns, [
      'nft',
      'insert',
      'rule',
      'inet',
      'filter',
      'docker-user',
      'ip',
      'saddr',
      CLIENT,
      'tcp',
      'dport',
      String(DOCKER_PORT),
      'drop',
    ]);
  else
    inNetns(lab.fwNetns, [
      lab.dialect === 'legacy' ? 'iptables-legacy' : 'iptables-nft',
      '-I',
      'DOCKER-USER',
      '1',
      '-s',
      CLIENT,
      '-p',
      'tcp',
      '--dport',
      String(DOCKER_PORT),
      '-j',
      'DROP',
    ]);
}

/** One TCP SYN from the client to SERVER:port (the lab's own sender; nothing answers, that is fine). */
async function synTo(lab: Lab, port: number, sport: number): Promise<void> {
  await new Promise<void>((resolve) => {
    void import('node:child_process').then(({ execFile }) =>
      execFile(
        'ip',
        [
          'netns',
          'exec',
          lab.clientNetns,
          process.execPath,
          new URL('../../scripts/lab.d/net.js', import.meta.url).pathname,
          'tcp',
          '--from',
          CLIENT,
          '--sport',
          String(sport),
          '--to',
          SERVER,
          '--port',
          String(port),
          '--timeout',
          '300',
        ],
        { timeout: 20_000 },
        () => resolve(),
      ),
    );
  });
}

describe.skipIf(SKIP)('why: near misses, chain paths, Kubernetes and Docker on the real kernel', () => {
  for (const c of CASES) {
    describe(`${c.backend} backend on a ${c.dialect} lab`, () => {
      let lab: Lab | undefined;
      let exit: CliExit;
      let traces: WhyTrace[] = [];
      let before = '';

      beforeAll(async () => {
        lab = labUp(c.dialect);
        addDockerUserDrop(lab);
        before = rulesetSnapshot(lab.fwNetns);
        const run = startCli(['--netns', lab.fwNetns, '--backend', c.backend, '--json', '--rate', '500', LAB_FILTER]);
        await run.armed();
        for (const s of ['default-drop', 'db-denied', 'kube-service']) await traffic(lab, s);
        await synTo(lab, DOCKER_PORT, 40077);
        await sleep(1200);
        run.signal('SIGINT');
        exit = await run.finish();
        traces = inPacketOrder(run.traces()) as unknown as WhyTrace[];
      });

      afterAll(async () => {
        await stopAllRuns();
        lab?.down();
      });

      const first = (sport: number): WhyTrace => {
        const t = traces.find((x) => x.packet.sport === sport && x.packet.tcpFlags?.includes('SYN'));
        expect(t, `no trace from port ${sport}:\n${summarize(traces as unknown as TraceRec[])}`).toBeDefined();
        return t!;
      };

      it('ends clean with the ruleset as before', () => {
        expect(exit.code, exit.stderr).toBe(0);
        expect(exit.records.at(-1)).toMatchObject({ type: 'disarmed', clean: true });
        expect(rulesetSnapshot(lab!.fwNetns)).toBe(before);
      });

      it('policy drop: names the policy and the closest accepting rules with the conditions they failed', () => {
        const t = first(40005); // default-drop: tcp to port 9999, nothing allows it
        expect(t.verdict.action).toBe('drop');
        expect(t.why?.decidedBy).toMatchObject({ chain: upper(c.dialect, 'FORWARD'), by: 'policy', rule: null });
        expect(t.explanation).toMatch(/DROP policy of filter\/(FORWARD|forward)/);
        const misses = t.why!.nearMisses;
        expect(misses.length).toBeGreaterThan(0);
        // The web rule would accept it but for the port; the database rule but for the port and the source.
        const web = misses.find((m) => m.failed.length === 1 && m.failed[0]!.field === 'dport');
        expect(web?.failed[0]).toEqual({ field: 'dport', want: '80', got: '9999' });
        expect(web?.verdict).toBe('would-accept');
        const db = misses.find((m) => m.failed.some((f) => f.field === 'src'));
        expect(db?.failed).toEqual(
          expect.arrayContaining([
            { field: 'dport', want: '5432', got: '9999' },
            { field: 'src', want: '10.66.1.5/32', got: CLIENT },
          ]),
        );
        expect(db?.via.map((v) => v.chain)).toEqual([upper(c.dialect, 'DB-ALLOW')]);
        expect(t.explanation).toContain('but this packet goes to port 9999');
      });

      it('drop through a jump and a goto: the chain path FORWARD -> DB-ALLOW -> LOG_AND_DROP', () => {
        const t = first(40003); // db-denied: tcp 5432 from a client not on the allow-list
        expect(t.verdict.action).toBe('drop');
        expect(t.why?.decidedBy).toMatchObject({ chain: upper(c.dialect, 'LOG_AND_DROP'), by: 'rule' });
        expect(t.why!.path.map((p) => [p.chain, p.verdict, p.target])).toEqual([
          [upper(c.dialect, 'FORWARD'), 'jump', upper(c.dialect, 'DB-ALLOW')],
          [upper(c.dialect, 'DB-ALLOW'), 'goto', upper(c.dialect, 'LOG_AND_DROP')],
        ]);
        // The allow-list rule it missed, and why.
        const allow = t.why!.nearMisses.find((m) => m.chain === upper(c.dialect, 'DB-ALLOW'));
        expect(allow?.failed).toEqual([{ field: 'src', want: '10.66.1.5/32', got: CLIENT }]);
        expect(t.explanation).toContain(`filter/${upper(c.dialect, 'LOG_AND_DROP')}`);
      });

      it('kube-proxy-style Service with two endpoints: the Service, the endpoint picked, 1/2, the mark', () => {
        const t = traces.find((x) => x.packet.dst === VIP && x.packet.tcpFlags?.includes('SYN'));
        expect(t, summarize(traces as unknown as TraceRec[])).toBeDefined();
        const k = t!.kubernetes;
        expect(k).not.toBeNull();
        expect(k!.endpoints).toBe(2);
        expect(k!.probability).toBe(0.5);
        expect(ENDPOINTS).toContain(k!.endpoint);
        expect(k!.clusterIP).toBe(VIP);
        expect(k!.masqueradeMark).toBe(true);
        // Comments name the Service in iptables dialects; native nft rules here carry comments too.
        expect(k!.service).toBe('default/web:http');
        expect(t!.steps.filter((s) => /^KUBE-/i.test(s.chain)).every((s) => s.owner === 'kube-proxy')).toBe(true);
        expect(t!.nat.some((n) => n.kind === 'dnat' && ENDPOINTS.includes(n.to ?? ''))).toBe(true);
      });

      it('DOCKER-USER drop: decided by rule 1 of DOCKER-USER, owned by docker (user chain)', () => {
        const t = first(40077);
        expect(t.verdict.action).toBe('drop');
        expect(t.why?.decidedBy).toMatchObject({
          chain: upper(c.dialect, 'DOCKER-USER'),
          by: 'rule',
          owner: 'docker (user chain)',
        });
        expect(t.why!.decidedBy!.rule?.position).toBe(1);
        expect(t.steps.filter((s) => s.chain === upper(c.dialect, 'DOCKER-USER')).map((s) => s.owner)).toEqual([
          'docker (user chain)',
        ]);
        expect(t.explanation).toMatch(/docker-user/i);
      });
    });
  }
});
