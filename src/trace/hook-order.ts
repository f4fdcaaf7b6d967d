// Where a hook sits on the packet's path, to notice when a reused trace id starts a new packet. Pure; no I/O.
import type { Hook } from '../model/common.js';

/** Rank along the path: a later event on a lower rank means the kernel is tracing another packet. */
const RANK: Record<Hook, number> = {
  ingress: 0,
  prerouting: 1,
  output: 1,
  input: 2,
  forward: 2,
  postrouting: 3,
  egress: 4,
  unknown: -1,
};

/** Rank of a hook; unknown hooks never force a split. */
export function hookRank(hook: Hook): number {
  return RANK[hook];
}

/** Hooks after which netfilter has nothing more to say about a packet. */
export function isLastHook(hook: Hook): boolean {
  return hook === 'input' || hook === 'postrouting' || hook === 'egress';
}

/** Whether a packet at hook `was` may be at `now` next with no hook between: the same hook, or the next on its path. */
export function followsOn(was: Hook, now: Hook): boolean {
  if (was === now || was === 'unknown' || now === 'unknown') return true;
  if (now === 'postrouting') return was === 'forward' || was === 'output';
  if (now === 'input' || now === 'forward') return was === 'prerouting';
  return now === 'prerouting' ? was === 'ingress' : now === 'egress' && was === 'postrouting';
}
