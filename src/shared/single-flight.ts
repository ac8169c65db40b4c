/**
 * Shares one in-flight promise between concurrent callers asking for the same key, so a burst of
 * cold requests for one user costs one upstream call. The entry is removed when the promise
 * settles, so failures are never remembered.
 */
export class SingleFlight<K, V> {
  readonly #inFlight = new Map<K, Promise<V>>();

  get pending(): number {
    return this.#inFlight.size;
  }

  run(key: K, task: () => Promise<V>): Promise<V> {
    const existing = this.#inFlight.get(key);
    if (existing !== undefined) return existing;
    const promise = (async () => {
      try {
        return await task();
      } finally {
        this.#inFlight.delete(key);
      }
    })();
    this.#inFlight.set(key, promise);
    return promise;
  }
}
