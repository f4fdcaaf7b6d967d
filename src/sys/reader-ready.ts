// Knowing when a reader really listens, so `armed` is never printed before events can be seen:
// a netlink socket of the reader subscribed to NFNLGRP_NFTRACE, or /dev/kmsg open.
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { ReadyCheck } from '../model/plan.js';

const NETLINK_NETFILTER = 12;
/** NFNLGRP_NFTRACE = 9: bit 8 of the Groups column of /proc/net/netlink. */
const NFTRACE_GROUP_BIT = 1 << 8;

async function fdTargets(pid: number): Promise<string[]> {
  const dir = `/proc/${pid}/fd`;
  const fds = await readdir(dir).catch(() => [] as string[]);
  const targets = await Promise.all(fds.map((fd) => readlink(`${dir}/${fd}`).catch(() => '')));
  return targets.filter((t) => t !== '');
}

async function listensToNftrace(pid: number): Promise<boolean> {
  const inodes = new Set(
    (await fdTargets(pid)).map((t) => /^socket:\[(\d+)\]$/.exec(t)?.[1]).filter((i): i is string => i !== undefined),
  );
  if (inodes.size === 0) return false;
  // /proc/<pid>/net is the reader's own network namespace.
  const table = await readFile(`/proc/${pid}/net/netlink`, 'utf8').catch(() => '');
  return table.split('\n').some((row) => {
    const f = row.trim().split(/\s+/);
    return (
      Number(f[1]) === NETLINK_NETFILTER &&
      (parseInt(f[3] ?? '0', 16) & NFTRACE_GROUP_BIT) !== 0 &&
      inodes.has(f[9] ?? '')
    );
  });
}

/** False once the process has exited (gone, or a zombie not yet reaped). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) [ZX] /.test(stat);
}

/** Polls until the reader listens; false after `timeoutMs` or when the process is gone. */
export async function waitReady(pid: number, check: ReadyCheck, timeoutMs = 5000): Promise<boolean> {
  if (check.kind === 'settle') {
    await new Promise((r) => setTimeout(r, check.ms));
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(pid))) return false;
    const ready =
      check.kind === 'nftrace-socket' ? await listensToNftrace(pid) : (await fdTargets(pid)).includes(check.path);
    if (ready) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
