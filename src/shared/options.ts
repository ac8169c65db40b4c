import type { Clock } from './clock';
import { systemClock } from './clock';
import { WorkOSConfigError } from './errors';
import type { CacheSettings } from './read-through-cache';
import { isSharedStore, type SharedStore } from './store';

/**
 * Validators and shared defaults for every component's options. Each component resolves all its
 * defaults in one `resolve…Settings` function using these; a failed check throws
 * {@link WorkOSConfigError} naming the component and the option (and env var, where one exists).
 */

/** Bound on each WorkOS API call on the request path, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** Bound on each WorkOS call off the request path (webhooks, Admin Portal, audit export), in ms. */
export const DEFAULT_ADMIN_REQUEST_TIMEOUT_MS = 10_000;
/** Longest accepted `requestTimeoutMs`. */
export const MAX_REQUEST_TIMEOUT_MS = 600_000;
/**
 * WorkOS access tokens live 300 s: no WorkOS-derived answer (user, memberships, roles, FGA
 * decisions) is cached longer, in any component.
 */
export const MAX_CACHE_TTL_MS = 300_000;

/** A trimmed non-empty string, else `undefined` (for env values and optional ids). */
export function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The validators of one component: every message starts with the component's name. */
export class OptionValidator {
  readonly component: string;

  constructor(component: string) {
    this.component = component;
  }

  fail(option: string, message: string): never {
    throw new WorkOSConfigError(option, `${this.component}: ${message}`);
  }

  /** A finite number > 0 (≥ 0 with `allowZero`), at most `max`. */
  number(option: string, value: unknown, fallback: number, bounds: { allowZero?: boolean; integer?: boolean; max?: number } = {}): number {
    if (value === undefined) return fallback;
    const { allowZero = false, integer = false, max = Number.POSITIVE_INFINITY } = bounds;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (allowZero ? value >= 0 : value > 0) &&
      value <= max &&
      (!integer || Number.isInteger(value));
    if (!ok) {
      const kind = `${allowZero ? 'non-negative' : 'positive'} ${integer ? 'whole number' : 'number'}`;
      const limit = Number.isFinite(max) ? ` of at most ${max}` : '';
      this.fail(option, `\`${option}\` must be a ${kind}${limit}, got ${String(value)}.`);
    }
    return value as number;
  }

  /** Like {@link number} but with no default: `undefined` stays `undefined`. */
  optionalNumber(option: string, value: unknown, bounds: { allowZero?: boolean; integer?: boolean; max?: number } = {}): number | undefined {
    return value === undefined ? undefined : this.number(option, value, 0, bounds);
  }

  boolean(option: string, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(option, `\`${option}\` must be true or false, got ${JSON.stringify(value)}.`);
    return value;
  }

  /** A non-empty string (trimmed), or `undefined` when absent. */
  optionalString(option: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    const text = nonEmptyString(value);
    if (text === undefined) this.fail(option, `\`${option}\` must be a non-empty string.`);
    return text;
  }

  /** A non-empty string or a non-empty list of them, as a list; `undefined` when absent. */
  optionalStringList(option: string, value: unknown): string[] | undefined {
    if (value === undefined) return undefined;
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((item) => nonEmptyString(item) === undefined)) {
      this.fail(option, `\`${option}\` must be a non-empty string or a list of them.`);
    }
    return list as string[];
  }

  optionalFunction(option: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'function') this.fail(option, `\`${option}\` must be a function.`);
  }

  /** `requestTimeoutMs`, with the shared bound; the default is the request-path one unless given. */
  requestTimeout(value: unknown, fallback: number = DEFAULT_REQUEST_TIMEOUT_MS): number {
    return this.number('requestTimeoutMs', value, fallback, { max: MAX_REQUEST_TIMEOUT_MS });
  }

  /**
   * A cache option: `false` (off), `undefined` (defaults; `null` when `defaults` is `false`, i.e.
   * off unless asked for) or `{ maxSize?, ttlMs? }`; `ttlMs` is capped at {@link MAX_CACHE_TTL_MS}.
   */
  cache(option: string, value: unknown, defaults: CacheSettings | false, extraKeys: readonly string[] = []): CacheSettings | false {
    if (value === false) return false;
    if (value === undefined && defaults === false) return false;
    if (value !== undefined && !isRecord(value)) {
      this.fail(option, `\`${option}\` must be \`false\` or \`{ maxSize?, ttlMs?${extraKeys.map((key) => `, ${key}?`).join('')} }\`.`);
    }
    const base = defaults === false ? { maxSize: 10_000, ttlMs: 60_000 } : defaults;
    const record = (value ?? {}) as Record<string, unknown>;
    return {
      maxSize: this.number(`${option}.maxSize`, record.maxSize, base.maxSize, { integer: true }),
      ttlMs: this.number(`${option}.ttlMs`, record.ttlMs, base.ttlMs, { max: MAX_CACHE_TTL_MS }),
    };
  }

  /** The shared store of a fleet (`createRedisStore(redis)`), or `undefined` (memory only). */
  store(value: unknown): SharedStore | undefined {
    if (value === undefined) return undefined;
    if (!isSharedStore(value)) {
      this.fail('store', "`store` must be a shared store: `createRedisStore(redis)` from '@mastra/auth-workos/redis'.");
    }
    return value;
  }

  /** The injectable clock (for tests): anything with a `now()` returning epoch milliseconds. */
  clock(value: unknown): Clock {
    if (value === undefined) return systemClock;
    if (!isRecord(value) || typeof value.now !== 'function') this.fail('clock', '`clock` must be an object with a `now()` method returning epoch milliseconds.');
    return value as unknown as Clock;
  }
}
