// The last few packet bodies parsed → their PacketInfo. The lines of one packet repeat the same body (kernel-log
// lines within a hook, nft `packet:` / xtables `PACKET:` lines per base chain), so most lookups hit. Cached
// PacketInfos are shared by several events and frozen: they are immutable. Pure; no I/O (the cache is the only
// state, and it never changes an answer).
import type { PacketInfo } from '../model/packet.js';
import { RecentMemo } from './recent-memo.js';

export class PacketMemo {
  private readonly memo = new RecentMemo<PacketInfo>();

  /** The packet cached for this exact body text, or null. */
  get(body: string): PacketInfo | null {
    return this.memo.get(body);
  }

  /** Caches packet for body and returns it, frozen. */
  put(body: string, packet: PacketInfo): PacketInfo {
    return this.memo.put(body, deepFreeze(packet));
  }
}

function deepFreeze(p: PacketInfo): PacketInfo {
  if (p.tcpFlags !== undefined) Object.freeze(p.tcpFlags);
  if (p.inner !== undefined) deepFreeze(p.inner);
  return Object.freeze(p);
}
