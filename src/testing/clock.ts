/**
 * A clock your test moves by hand: pass it as the `clock` option of `MastraAuthWorkos`,
 * `MastraRBACWorkos` or `MastraFGAWorkos` and advance it instead of sleeping, so expiry, cache TTLs,
 * key-set freshness and back-off are tested without waiting on the real clock.
 *
 * ```ts
 * const clock = new ManualClock();
 * const auth = new MastraAuthWorkos({ ...emu.connection, clock, cache: { ttlMs: 60_000 } });
 * clock.advance(60_000); // every cached user has now expired
 * ```
 */
export class ManualClock {
  #now: number;

  /** Starts at `startMs` (default: the real current time, so freshly minted tokens are valid). */
  constructor(startMs: number = Date.now()) {
    this.#now = startMs;
  }

  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms` (never backward). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.advance: ms must be a non-negative number, got ${ms}`);
    this.#now += ms;
  }

  /** Sets the clock to `epochMs` (for example to a token's `exp`). */
  set(epochMs: number): void {
    if (!Number.isFinite(epochMs)) throw new RangeError(`ManualClock.set: epochMs must be a finite number, got ${epochMs}`);
    this.#now = epochMs;
  }
}
