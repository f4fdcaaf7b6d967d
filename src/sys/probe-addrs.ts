// The addresses of the namespace a probe is sent from: `ip -j addr show`, inside it when it is not ours.
import type { LocalAddress } from '../probe/local.js';
import { parseIpAddrJson } from '../probe/local.js';
import { runCommand } from './exec.js';

/** null when they cannot be read (no such namespace, not root, no `ip`). */
export async function localAddresses(netns: string | null): Promise<LocalAddress[] | null> {
  const r = await runCommand({ argv: ['ip', '-j', 'addr', 'show'], netns }, 10_000);
  return r.ok ? parseIpAddrJson(r.stdout) : null;
}

/** Whether `ip netns list` names `netns`. */
export async function netnsExists(netns: string): Promise<boolean> {
  const r = await runCommand({ argv: ['ip', 'netns', 'list'] }, 10_000);
  return r.stdout.split('\n').some((l) => l.split(' ')[0] === netns);
}
