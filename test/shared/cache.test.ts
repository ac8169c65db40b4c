import { describe, expect, it } from 'vitest';
import { CachedLoader } from '../../src/shared/cached-loader';
import { LruTtlCache } from '../../src/shared/lru-cache';
import { SingleFlight } from '../../src/shared/single-flight';

describe('LruTtlCache', () => {
  it('evicts the least recently used entry beyond maxSize', () => {
    const cache = new LruTtlCache<string, number>({ maxSize: 2, ttlMs: 1000 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('never returns an entry past its TTL, and a per-entry TTL can only shorten it', () => {
    let now = 0;
    const cache = new LruTtlCache<string, number>({ maxSize: 10, ttlMs: 100, now: () => now });
    cache.set('a', 1);
    cache.set('short', 2, 10);
    cache.set('long', 3, 10_000);
    now = 11;
    expect(cache.get('short')).toBeUndefined();
    now = 99;
    expect(cache.get('a')).toBe(1); // reading does not extend the TTL
    now = 100;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('long')).toBeUndefined();
  });

  it('rejects nonsensical sizes', () => {
    expect(() => new LruTtlCache({ maxSize: 0, ttlMs: 1 })).toThrow(RangeError);
    expect(() => new LruTtlCache({ maxSize: 1, ttlMs: 0 })).toThrow(RangeError);
  });
});

describe('SingleFlight', () => {
  it('shares one in-flight promise per key and forgets it once settled', async () => {
    const flights = new SingleFlight<string, number>();
    let calls = 0;
    let release!: (value: number) => void;
    const task = () => {
      calls += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const all = Promise.all([flights.run('k', task), flights.run('k', task), flights.run('k', task)]);
    expect(flights.pending).toBe(1);
    release(7);
    expect(await all).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
    expect(flights.pending).toBe(0);
  });

  it('does not remember failures', async () => {
    const flights = new SingleFlight<string, number>();
    await expect(flights.run('k', async () => { throw new Error('down'); })).rejects.toThrow('down');
    expect(await flights.run('k', async () => 1)).toBe(1);
  });
});

describe('CachedLoader', () => {
  it('loads once, serves hits, and does not cache failures', async () => {
    const loader = new CachedLoader<string, number>({ maxSize: 10, ttlMs: 1000 });
    let calls = 0;
    await expect(loader.load('k', async () => { calls += 1; throw new Error('x'); })).rejects.toThrow('x');
    expect(await loader.load('k', async () => { calls += 1; return 5; })).toBe(5);
    expect(await loader.load('k', async () => { calls += 1; return 6; })).toBe(5);
    expect(calls).toBe(2);
  });

  it('with caching off still coalesces concurrent loads', async () => {
    const loader = new CachedLoader<string, number>(false);
    let calls = 0;
    const load = () => loader.load('k', async () => { calls += 1; await new Promise((r) => setTimeout(r, 5)); return calls; });
    await Promise.all([load(), load(), load()]);
    await load();
    expect(calls).toBe(2);
    expect(loader.size).toBe(0);
  });
});
