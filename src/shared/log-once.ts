import type { IMastraLogger } from '@mastra/core/logger';
import { systemClock, type Clock } from './clock';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Logs each reason at most once per window, with a count of what was suppressed meanwhile, so a
 * flood of bad tokens or a WorkOS outage yields one line per cause, not one per request.
 * Callers pass only reason codes and safe context: never tokens, keys or cookies.
 */
export class OncePerWindowLogger {
  readonly #windowMs: number;
  readonly #logger: () => IMastraLogger;
  readonly #clock: Clock;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(logger: () => IMastraLogger, options: { windowMs?: number; clock?: Clock } = {}) {
    this.#logger = logger;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
  }

  log(level: LogLevel, reason: string, message: string, context?: Record<string, unknown>): void {
    const now = this.#clock.now();
    const last = this.#last.get(reason);
    if (last && now - last.at < this.#windowMs) {
      last.suppressed += 1;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.#last.set(reason, { at: now, suppressed: 0 });
    const detail = { reason, ...context, ...(suppressed > 0 && { suppressedSinceLast: suppressed }) };
    this.#logger()[level](message, detail);
  }
}
