// Matching kernel drops to finished traces by time and ethertype: window, preferences, one drop per trace.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AFTER_MS, BEFORE_MS, DropRing, KEEP_MS } from '../../src/host/drop-match.js';
import type { KernelDrop } from '../../src/model/host.js';

const drop = (reason: string, protocol = 2048, stamp = 0): KernelDrop => ({
  reason,
  location: 'f+0x1/0x2',
  protocol,
  stamp,
});

describe('DropRing.pick', () => {
  it('a drop inside the window of the same ethertype', () => {
    const r = new DropRing();
    r.push(drop('NO_SOCKET'), 1000);
    expect(r.pick({ ipVersion: 6, first: 1000, last: 1001 })).toBeNull();
    expect(r.pick({ ipVersion: 4, first: 1000, last: 1001 })?.reason).toBe('NO_SOCKET');
  });

  it('the window: BEFORE_MS before the first event, AFTER_MS after the last', () => {
    const r = new DropRing();
    r.push(drop('A'), 1000 - BEFORE_MS - 1);
    r.push(drop('B'), 2000 + AFTER_MS + 1);
    expect(r.pick({ ipVersion: 4, first: 1000, last: 2000 })).toBeNull();
    r.push(drop('C'), 1000 - BEFORE_MS);
    expect(r.pick({ ipVersion: 4, first: 1000, last: 2000 })?.reason).toBe('C');
  });

  it('a drop is given out once', () => {
    const r = new DropRing();
    r.push(drop('NO_SOCKET'), 1000);
    expect(r.pick({ ipVersion: 4, first: 1000, last: 1000 })).not.toBeNull();
    expect(r.pick({ ipVersion: 4, first: 1000, last: 1000 })).toBeNull();
  });

  it('specific reasons before NOT_SPECIFIED, even when farther', () => {
    const r = new DropRing();
    r.push(drop('NOT_SPECIFIED'), 1000);
    r.push(drop('IP_RPFILTER'), 1050);
    expect(r.pick({ ipVersion: 4, first: 1000, last: 1000 })?.reason).toBe('IP_RPFILTER');
    expect(r.pick({ ipVersion: 4, first: 1000, last: 1000 })?.reason).toBe('NOT_SPECIFIED');
  });

  it('a netfilter drop or reject verdict expects NETFILTER_DROP; an accept prefers the other reasons', () => {
    const r = new DropRing();
    r.push(drop('NO_SOCKET'), 1000);
    r.push(drop('NETFILTER_DROP'), 1010);
    expect(r.pick({ ipVersion: 4, first: 1000, last: 1000, verdict: 'reject' })?.reason).toBe('NETFILTER_DROP');
    const s = new DropRing();
    s.push(drop('NETFILTER_DROP'), 1000);
    s.push(drop('NO_SOCKET'), 1010);
    expect(s.pick({ ipVersion: 4, first: 1000, last: 1000, verdict: 'accept' })?.reason).toBe('NO_SOCKET');
    expect(s.pick({ ipVersion: 4, first: 1000, last: 1000, verdict: 'accept' })?.reason).toBe('NETFILTER_DROP');
  });

  it('among equals, the closest in time', () => {
    const r = new DropRing();
    r.push(drop('A'), 700);
    r.push(drop('B'), 990);
    r.push(drop('C'), 1080);
    expect(r.pick({ ipVersion: 4, first: 1000, last: 1000 })?.reason).toBe('B');
  });

  it('an unknown IP version takes either ethertype, never another one', () => {
    const r = new DropRing();
    r.push(drop('ARP_THING', 2054), 1000);
    expect(r.size).toBe(0);
    r.push(drop('NO_SOCKET', 34525), 1000);
    expect(r.pick({ ipVersion: null, first: 1000, last: 1000 })?.reason).toBe('NO_SOCKET');
  });
});

describe('DropRing.assign', () => {
  it('two traces, two drops: each gets the one that fits it best, not the first come', () => {
    const r = new DropRing();
    r.push(drop('NO_SOCKET'), 1000);
    r.push(drop('NO_SOCKET', 2048, 1), 1300);
    // Trace a (first) would take the 1000 drop by order; b sits right on it, a is 250 ms away from it.
    const [a, b] = r.assign([
      { ipVersion: 4, first: 1250, last: 1260 },
      { ipVersion: 4, first: 1000, last: 1001 },
    ]);
    expect(a).toEqual({ drop: drop('NO_SOCKET', 2048, 1), gapMs: 40 });
    expect(b).toEqual({ drop: drop('NO_SOCKET'), gapMs: 0 });
  });

  it('more traces than drops: the extra one gets nothing rather than a shared drop', () => {
    const r = new DropRing();
    r.push(drop('NO_SOCKET'), 1000);
    const out = r.assign([
      { ipVersion: 4, first: 1000, last: 1000 },
      { ipVersion: 4, first: 1001, last: 1001 },
    ]);
    expect(out.filter((m) => m !== null)).toHaveLength(1);
    expect(out[0]?.drop.reason).toBe('NO_SOCKET');
  });
});

describe('bounds', () => {
  it('forgets drops older than KEEP_MS and keeps at most maxDrops', () => {
    const r = new DropRing(100);
    for (let i = 0; i < 1000; i++) r.push(drop('NO_SOCKET'), i);
    expect(r.size).toBeLessThanOrEqual(100);
    r.push(drop('NO_SOCKET'), 1000 + KEEP_MS + 200);
    expect(r.pick({ ipVersion: 4, first: 950, last: 999 })).toBeNull();
  });

  test.prop([
    fc.array(
      fc.tuple(
        fc.constantFrom('NO_SOCKET', 'NOT_SPECIFIED', 'NETFILTER_DROP'),
        fc.constantFrom(2048, 34525, 2054),
        fc.integer({ min: 0, max: 20_000 }),
      ),
      { maxLength: 300 },
    ),
    fc.array(fc.tuple(fc.constantFrom(4, 6, null), fc.integer({ min: 0, max: 20_000 }), fc.nat(2000)), {
      maxLength: 30,
    }),
  ])('never throws, never gives one drop twice, stays bounded', (drops, queries) => {
    const r = new DropRing(64);
    const sorted = [...drops].sort((a, b) => a[2] - b[2]);
    sorted.forEach(([reason, protocol, at], i) => r.push(drop(reason, protocol, i), at));
    expect(r.size).toBeLessThanOrEqual(64);
    const got = r.assign(queries.map(([v, first, len]) => ({ ipVersion: v, first, last: first + len })));
    const stamps = got.filter((m) => m !== null).map((m) => m.drop.stamp);
    expect(new Set(stamps).size).toBe(stamps.length);
  });
});

describe('passedNetfilter (the reader showed every chain of the packet’s last hook let it through)', () => {
  it('a NETFILTER_DROP is another packet’s; a specific other reason still fits', () => {
    const ring = new DropRing();
    ring.push(drop('NETFILTER_DROP'), 1000);
    expect(ring.pick({ ipVersion: 4, first: 1000, last: 1001, strictGapMs: 10, passedNetfilter: true })).toBeNull();
    ring.push(drop('NEIGH_FAILED'), 1001);
    expect(ring.pick({ ipVersion: 4, first: 1000, last: 1001, passedNetfilter: true })?.reason).toBe('NEIGH_FAILED');
  });
});

describe('leftHost (it left through postrouting by an interface other than lo)', () => {
  it('a drop on the way in is another namespace’s (the server’s NO_SOCKET for a packet forwarded to it)', () => {
    const ring = new DropRing();
    ring.push(drop('NO_SOCKET'), 1000);
    ring.push(drop('TCP_INVALID_SEQUENCE'), 1000);
    expect(ring.pick({ ipVersion: 4, first: 1000, last: 1001, strictGapMs: 10, leftHost: true })).toBeNull();
    // Those are left for the traces they fit: a packet that came in here.
    expect(ring.pick({ ipVersion: 4, first: 1000, last: 1001, strictGapMs: 10 })?.reason).toBe('NO_SOCKET');
  });

  it('a drop on the way out is still its own: no neighbour answered, the queue was full', () => {
    const ring = new DropRing();
    ring.push(drop('NEIGH_FAILED'), 1001);
    ring.push(drop('QDISC_DROP'), 1002);
    const q = { ipVersion: 4 as const, first: 1000, last: 1001, strictGapMs: 10, leftHost: true };
    expect(ring.pick(q)?.reason).toBe('NEIGH_FAILED');
    expect(ring.pick(q)?.reason).toBe('QDISC_DROP');
  });
});

describe('strictGapMs (a packet netfilter let all the way through)', () => {
  it('takes only a specific reason that close, and leaves the others for the traces they fit', () => {
    const ring = new DropRing();
    ring.push(drop('NO_SOCKET'), 1000);
    ring.push(drop('NOT_SPECIFIED'), 1100);
    expect(ring.pick({ ipVersion: 4, first: 1050, last: 1060, strictGapMs: 10 })).toBeNull();
    expect(ring.pick({ ipVersion: 4, first: 1100, last: 1100, strictGapMs: 10 })).toBeNull();
    expect(ring.pick({ ipVersion: 4, first: 1002, last: 1005, strictGapMs: 10 })?.reason).toBe('NO_SOCKET');
    // Nothing was used up by the refused picks.
    expect(ring.pick({ ipVersion: 4, first: 1100, last: 1100 })?.reason).toBe('NOT_SPECIFIED');
  });
});
