// The presence checks behind disarming (existsCheck) and keeping a run armed (installedCheck): both
// must name exactly the run's own object, built from the plan's own commands.
import { describe, expect, it } from 'vitest';
import { existsCheck, installedCheck } from '../../src/app/undo.js';
import { buildPlan } from '../../src/backends/plan.js';
import { parseFlow } from '../../src/flow/parse-flow.js';

const flow = parseFlow('tcp port 5432');
if (!flow.ok) throw new Error(flow.error.message);

const plan = (backend: 'nft' | 'xtables' | 'legacy') => {
  const p = buildPlan({ backend, session: '123_abcd', netns: 'ns1', rate: 10, flow: flow.value, kmsgReadable: true });
  if (!p.ok) throw new Error(p.error);
  return p.value;
};

describe('installedCheck', () => {
  it('nft/xtables: lists the session table', () => {
    for (const b of ['nft', 'xtables'] as const) {
      const [install] = plan(b).install;
      expect(installedCheck(install!)).toEqual({
        argv: ['nft', 'list', 'table', 'inet', 'fwtrace_123_abcd'],
        netns: 'ns1',
      });
      expect(installedCheck(install!)).toEqual(existsCheck(plan(b).remove[0]!));
    }
  });

  it('legacy: -C with the same specification as the -I (and as the -D of removal)', () => {
    const p = plan('legacy');
    const fromInstall = p.install.map((c) => installedCheck(c));
    const fromRemove = p.remove.map((c) => existsCheck(c)).reverse();
    expect(fromInstall).toEqual(fromRemove);
    expect(fromInstall[0]!.argv.slice(0, 6)).toEqual(['iptables-legacy', '-w', '-t', 'raw', '-C', 'PREROUTING']);
  });

  it('anything else: no check', () => {
    expect(installedCheck({ argv: ['true'] })).toBeNull();
  });
});
