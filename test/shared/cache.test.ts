import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock';
import { ReadThroughCache } from '../../src/shared/read-through-cache';
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

describe('ReadThroughCache', () => {
  it('shares one load between concurrent misses and serves hits until the TTL', async () => {
    let now = 1_000;
    const cache = new ReadThroughCache<string, string>({ maxSize: 10, ttlMs: 100 }, { now: () => now });
    let loads = 0;
    let release!: (value: string) => void;
    const loader = () => {
      loads += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const pending = Array.from({ length: 20 }, () => cache.load('k', loader));
    release('v1');
    expect(await Promise.all(pending)).toEqual(Array(20).fill('v1'));
    expect(loads).toBe(1);
    now += 99;
    expect(await cache.load('k', async () => 'v2')).toBe('v1');
    now += 1;
    expect(await cache.load('k', async () => 'v2')).toBe('v2');
  });

  it('counts the TTL from when the load started, so a slow answer is not served longer', async () => {
    let now = 0;
    const cache = new ReadThroughCache<string, string>({ maxSize: 10, ttlMs: 100 }, { now: () => now });
    await cache.load('slow', async () => {
      now += 60; // the upstream call took 60 ms
      return 'v1';
    });
    now += 39;
    expect(await cache.load('slow', async () => 'v2')).toBe('v1');
    now += 1; // 100 ms after the call started
    expect(await cache.load('slow', async () => 'v3')).toBe('v3');
    await cache.load('too-slow', async () => {
      now += 150;
      return 'late';
    });
    expect(cache.size).toBe(1); // 'too-slow' was already stale when it arrived: not stored
  });

  it('does not remember failures', async () => {
    const cache = new ReadThroughCache<string, string>({ maxSize: 10, ttlMs: 1000 }, systemClock);
    await expect(cache.load('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.load('k', async () => 'up')).toBe('up');
  });

  it('is bounded (least recently used evicted)', async () => {
    const cache = new ReadThroughCache<string, string>({ maxSize: 2, ttlMs: 1000 }, systemClock);
    await cache.load('a', async () => 'a');
    await cache.load('b', async () => 'b');
    await cache.load('a', async () => 'a2'); // hit: a becomes most recent
    await cache.load('c', async () => 'c');
    expect(cache.size).toBe(2);
    expect(await cache.load('a', async () => 'a3')).toBe('a');
    expect(await cache.load('b', async () => 'b2')).toBe('b2');
  });

  it('clear() also discards answers in flight', async () => {
    const cache = new ReadThroughCache<string, string>({ maxSize: 10, ttlMs: 1000 }, systemClock);
    let release!: (value: string) => void;
    const inFlight = cache.load('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.clear();
    const fresh = cache.load('k', async () => 'after-clear');
    release('before-clear');
    expect(await inFlight).toBe('before-clear');
    expect(await fresh).toBe('after-clear');
    expect(await cache.load('k', async () => 'x')).toBe('after-clear');
  });

  it('invalidate(key) wins over the load in flight for that key only', async () => {
    const cache = new ReadThroughCache<string, string>({ maxSize: 10, ttlMs: 1000 }, systemClock);
    let release!: (value: string) => void;
    const inFlight = cache.load('k', () => new Promise<string>((resolve) => (release = resolve)));
    const other = cache.load('other', async () => 'kept');
    cache.invalidate('k');
    const fresh = cache.load('k', async () => 'after-invalidate'); // does not join the superseded load
    release('before-invalidate');
    expect(await inFlight).toBe('before-invalidate'); // its waiters still get an answer
    expect(await fresh).toBe('after-invalidate');
    expect(await cache.load('k', async () => 'x')).toBe('after-invalidate');
    expect(await other).toBe('kept');
    expect(cache.peek('other')).toBe('kept');
  });

  it('invalidateWhere drops matching stored and in-flight keys', async () => {
    const cache = new ReadThroughCache<string, string>({ maxSize: 10, ttlMs: 1000 }, systemClock);
    await cache.load('u1|a', async () => 'a');
    await cache.load('u2|a', async () => 'b');
    let release!: (value: string) => void;
    const inFlight = cache.load('u1|b', () => new Promise<string>((resolve) => (release = resolve)));
    cache.invalidateWhere((key) => key.startsWith('u1|'));
    release('late');
    await inFlight;
    expect(cache.peek('u1|a')).toBeUndefined();
    expect(cache.peek('u1|b')).toBeUndefined();
    expect(cache.peek('u2|a')).toBe('b');
  });

  it('ttlOf can shorten an entry below the cache TTL', async () => {
    let now = 0;
    const cache = new ReadThroughCache<string, string>({ maxSize: 10, ttlMs: 100 }, { now: () => now });
    await cache.load('k', async () => 'v', () => 10);
    now = 9;
    expect(cache.peek('k')).toBe('v');
    now = 10;
    expect(cache.peek('k')).toBeUndefined();
  });

  it('with cache false, still shares concurrent loads but stores nothing', async () => {
    const cache = new ReadThroughCache<string, string>(false, systemClock);
    let loads = 0;
    const loader = async () => {
      loads += 1;
      return 'v';
    };
    await Promise.all([cache.load('k', loader), cache.load('k', loader)]);
    expect(loads).toBe(1);
    await cache.load('k', loader);
    expect(loads).toBe(2);
  });
});

describe('LruTtlCache recency refresh', () => {
  it('a hot key in the young half is not moved on every hit, yet is never evicted while in use', () => {
    const cache = new LruTtlCache<string, number>({ maxSize: 4, ttlMs: 1000 });
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 1);
    // 'a' is the oldest: a hit moves it to the young end, so the next insert evicts 'b'.
    expect(cache.get('a')).toBe(1);
    cache.set('e', 1);
    expect(cache.get('b')).toBeUndefined();
    // Keep 'a' hot while many keys come and go: it always survives.
    for (let index = 0; index < 50; index += 1) {
      expect(cache.get('a')).toBe(1);
      cache.set(`k${index}`, 1);
    }
    expect(cache.get('a')).toBe(1);
    expect(cache.size).toBe(4);
  });
});
