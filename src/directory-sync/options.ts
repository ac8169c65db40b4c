import type { IMastraLogger } from '@mastra/core/logger';
import type { Clock } from '../shared/clock';
import { DEFAULT_ADMIN_REQUEST_TIMEOUT_MS, OptionValidator } from '../shared/options';
import type { Invalidatable } from '../shared/invalidation';
import { DIRECTORY_SYNC_HANDLERS, type DirectorySyncHandlers } from './events';
import { DEFAULT_SIGNATURE_TOLERANCE_MS } from './signature';

/** Options of `new WorkOSDirectorySync(workos, options)`. */
export interface WorkOSDirectorySyncOptions {
  /** The endpoint's signing secret from the WorkOS dashboard. Falls back to `WORKOS_WEBHOOK_SECRET`. */
  webhookSecret?: string;
  /** What to run for each of the eight `dsync.*` events; every handler is optional. */
  handlers: DirectorySyncHandlers;
  /**
   * Caches to purge when a user is deleted, deactivated, updated or changes group: typically
   * `[auth, rbac]` (your `MastraAuthWorkos` and `MastraRBACWorkos`). The next request of that user
   * is decided from WorkOS again, without waiting for a TTL.
   */
  invalidate?: readonly Invalidatable[];
  /** Accepted distance between the signature's timestamp and now, both ways, in ms. Default 180 000 (WorkOS's). */
  toleranceMs?: number;
  /**
   * `true` (default): a handler that throws makes `handleWebhook` reject (and `handleRequest`
   * answer 500), so WorkOS retries the delivery. `false`: upstream's behaviour — log the error and
   * acknowledge the event (it is then lost).
   */
  rethrowHandlerErrors?: boolean;
  /** How many recent event ids to remember to run a redelivered event once. Default 10 000; `0` turns it off. */
  dedupeSize?: number;
  /** Bound on each WorkOS call of the list methods, in ms. Default 10 000. */
  requestTimeoutMs?: number;
  /** Largest body `handleRequest` reads, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Time source of the signature tolerance and the dedupe window; tests inject one. */
  clock?: Clock;
  /** Default: Mastra's logger for this component. */
  logger?: IMastraLogger;
}

export interface ResolvedDirectorySyncSettings {
  secret: string;
  handlers: DirectorySyncHandlers;
  invalidate: readonly Invalidatable[];
  toleranceMs: number;
  rethrowHandlerErrors: boolean;
  dedupeSize: number;
  requestTimeoutMs: number;
  maxBodyBytes: number;
  clock: Clock;
}

const COMPONENT = 'WorkOSDirectorySync';

const check: OptionValidator = new OptionValidator(COMPONENT);

function fail(option: string, message: string): never {
  check.fail(option, message);
}

export function resolveDirectorySyncSettings(
  workos: unknown,
  options: WorkOSDirectorySyncOptions,
  env: Record<string, string | undefined> = process.env,
): ResolvedDirectorySyncSettings {
  if (typeof workos !== 'object' || workos === null) {
    fail('workos', 'the first argument must be a WorkOS client (`new WorkOS(apiKey)` from @workos-inc/node).');
  }
  if (typeof options !== 'object' || options === null) fail('options', 'pass an options object: `{ webhookSecret?, handlers }`.');
  const secret = options.webhookSecret?.trim() || env.WORKOS_WEBHOOK_SECRET?.trim();
  if (!secret) {
    fail(
      'webhookSecret',
      'WorkOS webhook secret is required. Provide it in options (`webhookSecret`) or set WORKOS_WEBHOOK_SECRET environment variable.',
    );
  }
  const handlers = options.handlers;
  if (typeof handlers !== 'object' || handlers === null) fail('handlers', '`handlers` must be an object such as `{ onUserDeleted }`.');
  const known = new Set<string>(Object.values(DIRECTORY_SYNC_HANDLERS));
  for (const [name, handler] of Object.entries(handlers)) {
    if (!known.has(name)) fail(`handlers.${name}`, `unknown handler \`${name}\`; known: ${[...known].join(', ')}.`);
    if (handler !== undefined && typeof handler !== 'function') fail(`handlers.${name}`, `\`handlers.${name}\` must be a function.`);
  }
  const invalidate = options.invalidate ?? [];
  if (!Array.isArray(invalidate)) fail('invalidate', '`invalidate` must be an array, e.g. `[auth, rbac]`.');
  invalidate.forEach((target, index) => {
    if (typeof (target as Partial<Invalidatable> | null)?.invalidateUser !== 'function') {
      fail(`invalidate[${index}]`, `\`invalidate[${index}]\` has no invalidateUser(userId) method.`);
    }
  });
  return {
    secret,
    handlers: { ...handlers },
    invalidate: [...invalidate],
    toleranceMs: check.number('toleranceMs', options.toleranceMs, DEFAULT_SIGNATURE_TOLERANCE_MS),
    rethrowHandlerErrors: check.boolean('rethrowHandlerErrors', options.rethrowHandlerErrors, true),
    dedupeSize: check.number('dedupeSize', options.dedupeSize, 10_000, { allowZero: true, integer: true }),
    requestTimeoutMs: check.requestTimeout(options.requestTimeoutMs, DEFAULT_ADMIN_REQUEST_TIMEOUT_MS),
    maxBodyBytes: check.number('maxBodyBytes', options.maxBodyBytes, 1024 * 1024, { integer: true }),
    clock: check.clock(options.clock),
  };
}
