// The single-file build traces live (root only): a namespace lab with the nft policy, the bundle alone in
// an empty directory with only `node`, `--netns <fw> --json --count 1 'tcp port 5432'`, the db-denied
// scenario's SYN. It must show the drop, run its watchdog from the bundle's own path, and leave the
// firewall exactly as it found it (no fwtrace table); killed with SIGKILL, its watchdog cleans up.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, inNetns, rulesetSnapshot, traffic, waitUntil, type Rec, type TraceRec } from '../kernel/kit.js';
import { isRoot, labUp, uniquePrefix, type Lab } from '../lab/lab.js';
import { buildBundle, serverEnv, type Bundle } from './bundle-kit.js';

const SKIP = !isRoot();
if (SKIP) console.warn('bundle live trace skipped: it needs root (network namespaces, netfilter)');

describe.skipIf(SKIP)('dist/fwtrace.mjs traces live', () => {
  let bundle: Bundle;
  beforeAll(() => {
    bundle = buildBundle();
  }, 60_000);
  afterAll(() => bundle?.remove());

  it('db-denied: one drop trace, watchdog from the bundle path, nothing left afterwards', async () => {
    let lab: Lab | undefined;
    let child: ReturnType<typeof spawn> | undefined;
    try {
      lab = labUp('nft', { prefix: uniquePrefix('bundle') });
      const before = rulesetSnapshot(lab.fwNetns);
      child = spawn(
        process.execPath,
        [bundle.file, '--netns', lab.fwNetns, '--json', '--count', '1', '--timeout', '30', 'tcp port 5432'],
        {
          cwd: bundle.dir,
          env: serverEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child!.on('close', (code) => resolve(code)));
      const records = (): Rec[] =>
        stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as Rec);

      expect(
        await waitUntil(() => records().some((r) => r.type === 'armed'), 15_000),
        `not armed; stderr: ${stderr}`,
      ).toBe(true);
      const watchdog = childrenOf(child.pid!).find((p) => p.cmd.includes('__watchdog'));
      expect(watchdog?.cmd).toContain(`${bundle.file} __watchdog `);

      await traffic(lab, 'db-denied');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
      expect(code, `stderr: ${stderr}`).toBe(0);

      const recs = records();
      const traces = recs.filter((r): r is Rec & TraceRec => r.type === 'trace');
      expect(traces).toHaveLength(1);
      expect(traces[0]!.packet).toMatchObject({ dst: '10.66.2.2', dport: 5432, tcpFlags: ['SYN'] });
      expect(traces[0]!.verdict).toMatchObject({ action: 'drop', table: 'filter', chain: 'log-and-drop', by: 'rule' });
      expect(recs.at(-1)).toMatchObject({ type: 'disarmed', clean: true });

      expect(inNetns(lab.fwNetns, ['nft', 'list', 'tables'])).not.toMatch(/fwtrace_/);
      expect(rulesetSnapshot(lab.fwNetns)).toBe(before);
      expect(await waitUntil(() => childrenOf(child!.pid!).length === 0 && !watchdogAlive(watchdog?.pid), 3000)).toBe(
        true,
      );
    } finally {
      if (child && child.exitCode === null) child.kill('SIGINT');
      lab?.down();
    }
  }, 60_000);

  it('kill -9: the watchdog (re-executed from the bundle) removes the trace table', async () => {
    let lab: Lab | undefined;
    let child: ReturnType<typeof spawn> | undefined;
    try {
      lab = labUp('nft', { prefix: uniquePrefix('bundle') });
      const fw = lab.fwNetns;
      const before = rulesetSnapshot(fw);
      child = spawn(process.execPath, [bundle.file, '--netns', fw, '--json', '--timeout', '60', 'tcp port 5432'], {
        cwd: bundle.dir,
        env: serverEnv(),
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let stdout = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      expect(await waitUntil(() => stdout.includes('"type":"armed"'), 15_000)).toBe(true);
      expect(inNetns(fw, ['nft', 'list', 'tables'])).toMatch(/fwtrace_/);
      child.kill('SIGKILL');
      const gone = await waitUntil(() => !/fwtrace_/.test(inNetns(fw, ['nft', 'list', 'tables'])), 10_000, 100);
      expect(gone).toBe(true);
      expect(rulesetSnapshot(fw)).toBe(before);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      lab?.down();
    }
  }, 60_000);
});

function watchdogAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
