/**
 * The one source of "now" for every time-dependent part of this package: caches, the key set,
 * token checks, the Retry-After gate and log windows. Tests inject a clock they drive instead of
 * sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
