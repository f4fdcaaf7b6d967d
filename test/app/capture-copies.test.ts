// Copies of a capture that cannot be read right (lab 48): one a terminal hard-wrapped, one pasted twice. The feed
// notices both, for the warnings replay gives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineFeed } from '../../src/app/replay-feed.js';

const dir = join(import.meta.dirname, '../fixtures/unseen48');

function feedOf(name: string): LineFeed {
  const feed = new LineFeed('auto', { event: () => undefined, tick: () => undefined });
  const text = readFileSync(join(dir, name), 'utf8');
  for (const line of text.replace(/\n$/, '').split('\n')) feed.line(line, false);
  feed.end();
  return feed;
}

describe('a capture wrapped at 80 columns', () => {
  it.each(['K', 'X', 'N', 'NN'])('%s: the width is found', (source) => {
    expect(feedOf(`variants/${source}.wrap80.txt`).wrapped()?.width).toBe(80);
  });

  it.each([
    'captures/legacy.kernlog.dmesg.txt',
    'captures/ipt-nft.xtables-monitor.txt',
    'captures/ipt-nft.nft-monitor.txt',
    'captures/nft.nft-monitor.txt',
  ])('not the clean capture %s (its rule lines recur at one length, but all parse)', (name) => {
    expect(feedOf(name).wrapped()).toBeNull();
  });

  it('not a file of other text with lines of one width (a kfree_skb trace_pipe given by mistake)', () => {
    const feed = new LineFeed('auto', { event: () => undefined, tick: () => undefined });
    const text = readFileSync(join(dir, '../host/kfree_skb-trace_pipe-6.18.txt'), 'utf8');
    for (const line of text.replace(/\n$/, '').split('\n')) feed.line(line, false);
    feed.end();
    expect(feed.wrapped()).toBeNull();
  });
});

describe('kernel-log stamps that go back', () => {
  it('a capture pasted twice: once, where the copy starts', () => {
    expect(feedOf('variants/K.twice.txt').stampsBack).toEqual({
      count: 1,
      first: { line: 100, stamp: '72457.369164', after: '72457.732036' },
    });
  });

  it('none in the capture itself, nor with another reader’s capture joined to it', () => {
    expect(feedOf('captures/legacy.kernlog.dmesg.txt').stampsBack.count).toBe(0);
    expect(feedOf('variants/K+NN.concat.txt').stampsBack.count).toBe(0);
  });
});

describe('a capture that repeats itself', () => {
  it.each([
    ['K', 100],
    ['X', 103],
    ['N', 103],
    ['NN', 109],
  ])('%s pasted twice: once, where the copy starts', (source, line) => {
    expect(feedOf(`variants/${source}.twice.txt`).repeats()).toEqual({ count: 1, first: line });
  });

  it.each([
    'captures/legacy.kernlog.dmesg.txt',
    'captures/ipt-nft.xtables-monitor.txt',
    'captures/ipt-nft.nft-monitor.txt',
    'captures/nft.nft-monitor.txt',
    'variants/K+NN.concat.txt',
    'variants/N+X.concat.txt',
  ])('not %s', (name) => {
    expect(feedOf(name).repeats()).toBeNull();
  });
});

describe('two netlink readers’ output in one input', () => {
  it('nft monitor and xtables-monitor of the same packets, joined', () => {
    expect(feedOf('variants/N+X.concat.txt').bothNetlinkReaders()).toBe(true);
  });

  it.each([
    'captures/ipt-nft.xtables-monitor.txt',
    'captures/ipt-nft.nft-monitor.txt',
    'variants/K+NN.concat.txt',
    'variants/N.twice.txt',
  ])('not %s', (name) => {
    expect(feedOf(name).bothNetlinkReaders()).toBe(false);
  });
});
