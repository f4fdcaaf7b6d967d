// The Vagrant lab's provisioning, run for real on three namespaces shaped like its machines (sim.ts; no
// VMs here): the lab scripts in host mode on real interface names (eth1/eth2, found by address), the
// policy with its management-link exemption, the listeners, the fw's forget-watch, and fwtrace installed
// from the single-file build tracing traffic that `fwtrace-lab traffic` sends from the client machine.
// Also: switching the fw to another dialect, and the guard that keeps the provisioning off other hosts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, uniquePrefix } from '../lab/lab.js';
import { waitUntil, type Rec, type TraceRec } from '../kernel/kit.js';
import { buildBundle, serverEnv, type Bundle } from '../bundle/bundle-kit.js';
import { simUp, type Sim } from './sim.js';

const SKIP = !isRoot();
if (SKIP) console.warn('Vagrant provisioning simulation skipped: it needs root (network namespaces, netfilter)');

/** Runs the installed fwtrace on the sim's fw, sends `scenario` from the client, returns its NDJSON. */
async function traceOnFw(
  sim: Sim,
  args: readonly string[],
  scenario: string,
  settleMs = 0,
): Promise<{ code: number | null; recs: Rec[]; stderr: string }> {
  const fwtrace = join(sim.root('fw'), 'usr/local/bin/fwtrace');
  const child = spawn('ip', ['netns', 'exec', sim.ns('fw'), fwtrace, '--json', ...args], {
    env: serverEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    if (!(await waitUntil(() => stdout.includes('"type":"armed"'), 15_000)))
      throw new Error(`fwtrace not armed: ${stderr}`);
    const sent = sim.lab('client', ['traffic', scenario]);
    if (sent.status !== 0) throw new Error(`traffic ${scenario}: ${sent.stderr}`);
    if (settleMs > 0) {
      await new Promise((r) => setTimeout(r, settleMs));
      child.kill('SIGINT');
    }
    const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    const recs = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Rec);
    return { code, recs, stderr };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

const traces = (recs: readonly Rec[]): TraceRec[] => recs.filter((r): r is Rec & TraceRec => r.type === 'trace');

describe.skipIf(SKIP)('the Vagrant provisioning on namespace "machines"', () => {
  let bundle: Bundle;
  let sim: Sim;

  beforeAll(() => {
    bundle = buildBundle();
    sim = simUp(uniquePrefix('vg'), bundle.file);
    for (const role of ['server', 'fw', 'client'] as const) {
      const r = sim.provision(role);
      if (r.status !== 0) throw new Error(`provision ${role}: ${r.stderr}${r.stdout}`);
    }
  }, 90_000);

  afterAll(() => {
    sim?.down();
    bundle?.remove();
  });

  it('names the real interfaces and exempts the management link', () => {
    const env = readFileSync(join(sim.root('fw'), 'etc/fwtrace-lab/env'), 'utf8');
    expect(env).toMatch(/^FWT_LAB_MODE=host$/m);
    expect(env).toMatch(/^FWT_LAB_FW_CLIENT_IF=eth1$/m);
    expect(env).toMatch(/^FWT_LAB_FW_SERVER_IF=eth2$/m);
    expect(env).toMatch(/^FWT_LAB_MGMT_IF=eth0$/m);
    const input = sim.run('fw', ['nft', 'list', 'chain', 'inet', 'filter', 'input']).stdout;
    expect(input).toMatch(/policy drop;\n\s+iifname "eth0" accept comment "lab management link"\n/);
    expect(sim.run('fw', ['nft', 'list', 'chain', 'ip', 'nat', 'postrouting']).stdout).toContain(
      'oifname "eth2" masquerade',
    );
    expect(sim.run('client', ['ip', 'route', 'get', '10.96.0.10']).stdout).toContain('via 10.66.1.1 dev eth1');
  });

  it('db-denied from the client machine: the installed fwtrace shows the drop, then removes its table', async () => {
    const { code, recs, stderr } = await traceOnFw(sim, ['--count', '1', 'tcp port 5432'], 'db-denied');
    expect(code, stderr).toBe(0);
    const [t] = traces(recs);
    expect(t?.packet).toMatchObject({ src: '10.66.1.2', dport: 5432, iif: 'eth1', oif: 'eth2' });
    expect(t?.verdict).toMatchObject({ action: 'drop', chain: 'log-and-drop' });
    expect(sim.run('fw', ['nft', 'list', 'tables']).stdout).not.toContain('fwtrace_');
  }, 60_000);

  it('kube-service: KUBE-SVC picks an endpoint and DNATs to it', async () => {
    const { recs } = await traceOnFw(sim, ['--count', '1', 'dst host 10.96.0.10'], 'kube-service');
    const [t] = traces(recs);
    expect(t?.verdict.action).toBe('accept');
    expect(t?.nat.find((n) => n.kind === 'dnat')?.to).toMatch(/^10\.66\.2\.[23]:80$/);
  }, 60_000);

  it('invalid: the fw forget-watch makes the data packet INVALID, as in the namespace lab', async () => {
    const { recs } = await traceOnFw(sim, ['--timeout', '20', 'tcp port 80 and src host 10.66.1.2'], 'invalid', 1500);
    const drops = traces(recs).filter((t) => t.verdict.action === 'drop');
    expect(drops.length, JSON.stringify(traces(recs).map((t) => t.verdict))).toBeGreaterThan(0);
    expect(drops[0]!.verdict.rule?.text).toContain('ct state invalid drop');
  }, 60_000);

  it('a scenario meant for another machine says where to run it', () => {
    const r = sim.lab('client', ['traffic', 'output']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('run this on the fw machine');
    expect(sim.lab('fw', ['traffic', 'output']).stdout).toMatch(/answer "answer:dns-query"/);
  });

  it('re-provisioning the fw with FWTRACE_DIALECT=xtables replaces the policy', async () => {
    const r = sim.provision('fw', { FWTRACE_DIALECT: 'xtables' });
    expect(r.status, r.stderr).toBe(0);
    expect(sim.run('fw', ['iptables-nft-save', '-t', 'filter']).stdout).toContain(
      '-A INPUT -i eth0 -m comment --comment "lab management link" -j ACCEPT',
    );
    expect(sim.run('fw', ['nft', 'list', 'tables']).stdout).not.toMatch(/table inet filter/);
    const { code, recs } = await traceOnFw(sim, ['--count', '1', 'tcp port 5432'], 'db-denied');
    expect(code).toBe(0);
    expect(recs.find((x) => x.type === 'armed')).toMatchObject({ backend: 'xtables' });
    expect(traces(recs)[0]?.verdict).toMatchObject({ action: 'drop', chain: 'LOG_AND_DROP' });
  }, 60_000);

  it('refuses to run outside a lab machine', () => {
    const noFlag = sim.provision('fw', { FWT_LAB_VM: '' });
    expect(noFlag.status).not.toBe(0);
    expect(noFlag.stderr).toContain('not a Vagrant lab machine');
    const wrongNs = sim.provision('fw', { FWT_LAB_EXPECT_NETNS: sim.ns('client') });
    expect(wrongNs.status).not.toBe(0);
    expect(wrongNs.stderr).toContain(`not inside network namespace ${sim.ns('client')}`);
  });
});
