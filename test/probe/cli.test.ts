// `fwtrace --probe` on the built CLI, where nothing is armed: help, usage errors (exit 2, nothing
// changed) and --dry-run's probe lines. The live runs are in test/kernel/probe.test.ts.
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('fwtrace --probe (nothing armed)', () => {
  it('--help documents --probe and --probe-from, with an example', () => {
    const r = runCli(['trace', '--help']);
    expect(r.status).toBe(0);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('--probe send one packet matching FILTER once armed');
    expect(text).toContain('--probe-from <NETNS> send the probe from this network namespace (implies --probe)');
    expect(text).toContain("--probe-from client 'tcp dst port 5432 and dst host 10.0.0.5'");
    expect(text).toContain('it implies --count 1');
  });

  it.each([
    [['--probe', 'tcp port 5432'], '--probe needs a destination: add `dst host ADDR` (or `host ADDR`) to the filter'],
    [['--probe', 'host 10.0.0.5'], '--probe: the filter allows several protocols; say tcp, udp or icmp'],
    [['--probe-from', 'x', 'dst host 10.0.0.5 and tcp'], '--probe needs a destination port'],
    [
      ['--probe', '-i', 'eth0', 'tcp dst port 22 and dst host 10.0.0.5'],
      '`-i eth0` never matches it; drop -i, or send it from another namespace with --probe-from NETNS',
    ],
  ])('%j is a usage error before anything else', (args, message) => {
    const r = runCli(args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fwtrace: --probe/);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("hint: name one packet, e.g. --probe 'tcp dst port 5432 and dst host 10.0.0.5'");
  });

  it('--dry-run shows the probe: sent by fwtrace itself from the host, with what ends the run', () => {
    const r = runCli(['--backend', 'nft', '--dry-run', '--plain', '--probe', 'tcp dst port 22 and dst host 127.0.0.1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '# probe, sent once armed from this host: tcp 127.0.0.1:22; source address: the kernel picks it; the run stops after its trace (--count 1), or 5 s after it if no trace shows up',
    );
    expect(r.stdout).toContain('# (sent by fwtrace itself: a connect() abandoned after 500 ms)');
  });

  it('--dry-run: an ICMP probe is a ping; --count and --timeout are kept', () => {
    const r = runCli([
      '--backend',
      'nft',
      '--dry-run',
      '--json',
      '--count',
      '3',
      '--timeout',
      '9',
      '--probe',
      'icmp and dst host 127.0.0.1',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '# probe, sent once armed from this host: icmp 127.0.0.1; source address: the kernel picks it; the run stops after 3 traces (--count 3); if no trace shows up within 5 s, it says so',
    );
    expect(r.stdout).toContain('\nping -4 -c 1 -W 1 -n 127.0.0.1\n');
  });
});
