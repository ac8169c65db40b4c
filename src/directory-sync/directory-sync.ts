import { MastraBase } from '@mastra/core/base';
import { asWorkOS, type WorkOSClientLike } from '../shared/workos-connection';
import type { Directory, DirectoryGroup, DirectoryUserWithGroups, WorkOS } from '@workos-inc/node';
import { LruTtlCache } from '../shared/lru-cache';
import { WorkOSGateway, WORKOS_PAGE_SIZE, type ListPage } from '../shared/gateway';
import { OncePerWindowLogger } from '../shared/log-once';
import { WorkOSWebhookHandlerError, WorkOSWebhookPayloadError } from './errors';
import {
  DIRECTORY_SYNC_HANDLERS,
  isDirectorySyncEventType,
  mapGroupData,
  mapGroupMembershipData,
  mapUserData,
  readEnvelope,
  type DirectorySyncEventType,
  type DirectorySyncUserData,
  type WebhookEnvelope,
} from './events';
import { resolveDirectorySyncSettings, type ResolvedDirectorySyncSettings, type WorkOSDirectorySyncOptions } from './options';
import { verifyWebhookSignature, WorkOSWebhookSignatureError } from './signature';

/** A redelivery of an event WorkOS retried comes within days; remember ids for three. */
const DEDUPE_TTL_MS = 3 * 24 * 60 * 60 * 1000;
/** Pages of 100: far beyond one directory's users or one organization's directories. */
const MAX_LIST_PAGES = 1_000;

/** What {@link WorkOSDirectorySync.handleWebhook} did with a delivery. */
export interface WebhookOutcome {
  /** The event id. */
  id: string;
  event: string;
  /** `handled`: handler run; `duplicate`: id seen before, nothing run; `ignored`: not a `dsync.*` event we know. */
  status: 'handled' | 'duplicate' | 'ignored';
  /** AuthKit user ids whose cached access was dropped. */
  invalidatedUserIds: string[];
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

/**
 * WorkOS Directory Sync: verifies webhook deliveries, runs your handlers with correctly mapped
 * data, and purges the caches of `MastraAuthWorkos` / `MastraRBACWorkos` (the `invalidate` option)
 * when a user leaves, is deactivated, is updated or changes group — so the next request of that
 * user is refused without waiting for a cache TTL.
 *
 * Use {@link handleRequest} as the body of a Mastra custom route (`registerApiRoute`, with
 * `requiresAuth: false`), or {@link handleWebhook} with the raw body and the `WorkOS-Signature`
 * header in any other framework.
 */
export class WorkOSDirectorySync extends MastraBase {
  readonly #gateway: WorkOSGateway;
  readonly #settings: ResolvedDirectorySyncSettings;
  readonly #seen: LruTtlCache<string, true> | undefined;
  readonly #inFlight = new Map<string, Promise<WebhookOutcome>>();

  constructor(workosClient: WorkOSClientLike, options: WorkOSDirectorySyncOptions) {
    super({ component: 'AUTH', name: 'WorkOSDirectorySync' });
    const workos = asWorkOS(workosClient);
    this.#settings = resolveDirectorySyncSettings(workos, options);
    if (options.logger) this.__setLogger(options.logger);
    const { dedupeSize, clock } = this.#settings;
    this.#gateway = new WorkOSGateway(workos, {
      component: 'WorkOSDirectorySync',
      requestTimeoutMs: this.#settings.requestTimeoutMs,
      clock,
      log: new OncePerWindowLogger(() => this.logger, { clock }),
      maxListPages: MAX_LIST_PAGES,
    });
    this.#seen = dedupeSize > 0 ? new LruTtlCache({ maxSize: dedupeSize, ttlMs: DEDUPE_TTL_MS, now: () => clock.now() }) : undefined;
  }

  /**
   * Verifies and handles one delivery. `payload` should be the **raw body** (string or bytes) as
   * received: the signature covers those exact bytes. An already-parsed object is accepted for
   * upstream compatibility and re-serialised with `JSON.stringify`, which only verifies when that
   * reproduces the original bytes — avoid it.
   *
   * Rejects with `WorkOSWebhookSignatureError` (answer 401), `WorkOSWebhookPayloadError` (400) or
   * `WorkOSWebhookHandlerError` (500, so WorkOS retries). A redelivered event id resolves with
   * `status: 'duplicate'` and runs nothing.
   */
  async handleWebhook(payload: string | Uint8Array | object, signature: string | null | undefined): Promise<WebhookOutcome> {
    const body = typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload);
    try {
      verifyWebhookSignature(body, signature, { secret: this.#settings.secret, toleranceMs: this.#settings.toleranceMs, clock: this.#settings.clock });
    } catch (error) {
      if (error instanceof WorkOSWebhookSignatureError) {
        this.logger.warn('WorkOSDirectorySync: webhook refused (signature)', { reason: error.reason });
      }
      throw error;
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
    } catch (error) {
      throw new WorkOSWebhookPayloadError('The webhook body is not valid JSON.', { cause: error });
    }
    const envelope = readEnvelope(parsed);
    if (!envelope) throw new WorkOSWebhookPayloadError('The webhook body is not a WorkOS event ({ id, event, data }).');

    if (this.#seen?.get(envelope.id)) return this.#duplicate(envelope);
    const running = this.#inFlight.get(envelope.id);
    if (running) {
      await running; // the first delivery's outcome decides; if it failed, this one fails too
      return this.#duplicate(envelope);
    }
    const handling = this.#handle(envelope);
    this.#inFlight.set(envelope.id, handling);
    try {
      const outcome = await handling;
      this.#seen?.set(envelope.id, true);
      return outcome;
    } finally {
      this.#inFlight.delete(envelope.id);
    }
  }

  /**
   * A Fetch-API endpoint for WorkOS webhooks: 200 `{"received":true}` (also for a duplicate), 400 for
   * a body that is not a WorkOS event, 401 for a missing or bad signature, 413 for an oversized body,
   * 500 when a handler failed (WorkOS then retries). Never throws.
   *
   * @example
   * ```ts
   * // fragment
   * registerApiRoute('/webhooks/workos', {
   *   method: 'POST',
   *   requiresAuth: false,
   *   handler: (c) => directorySync.handleRequest(c.req.raw),
   * });
   * ```
   */
  async handleRequest(request: Request): Promise<Response> {
    try {
      if (request.method !== 'POST') return jsonResponse(405, { error: 'Method not allowed' });
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > this.#settings.maxBodyBytes) return jsonResponse(413, { error: 'Payload too large' });
      const body = new Uint8Array(await request.arrayBuffer());
      if (body.byteLength > this.#settings.maxBodyBytes) return jsonResponse(413, { error: 'Payload too large' });
      await this.handleWebhook(body, request.headers.get('workos-signature'));
      return jsonResponse(200, { received: true });
    } catch (error) {
      if (error instanceof WorkOSWebhookSignatureError) return jsonResponse(401, { error: 'Invalid webhook signature' });
      if (error instanceof WorkOSWebhookPayloadError) return jsonResponse(400, { error: error.message });
      if (error instanceof WorkOSWebhookHandlerError) return jsonResponse(500, { error: 'Webhook handler failed' });
      this.logger.error('WorkOSDirectorySync: unexpected failure while handling a webhook', { error: errorName(error) });
      return jsonResponse(500, { error: 'Webhook handling failed' });
    }
  }

  /** Every directory of an organization (all pages), as the SDK returns them. */
  listDirectories(organizationId: string): Promise<Directory[]> {
    requireId('organizationId', organizationId);
    return this.#listAll('listDirectories', (workos, after) =>
      workos.directorySync.listDirectories({ organizationId, limit: WORKOS_PAGE_SIZE, ...(after && { after }) }),
    );
  }

  /** Every user of a directory (all pages), with their groups. */
  listDirectoryUsers(directoryId: string): Promise<DirectoryUserWithGroups[]> {
    requireId('directoryId', directoryId);
    return this.#listAll('listDirectoryUsers', (workos, after) =>
      workos.directorySync.listUsers({ directory: directoryId, limit: WORKOS_PAGE_SIZE, ...(after && { after }) }),
    );
  }

  /** Every group of a directory (all pages). */
  listDirectoryGroups(directoryId: string): Promise<DirectoryGroup[]> {
    requireId('directoryId', directoryId);
    return this.#listAll('listDirectoryGroups', (workos, after) =>
      workos.directorySync.listGroups({ directory: directoryId, limit: WORKOS_PAGE_SIZE, ...(after && { after }) }),
    );
  }

  // ---- internals ----

  #duplicate(envelope: WebhookEnvelope): WebhookOutcome {
    this.logger.debug('WorkOSDirectorySync: duplicate delivery ignored', { eventId: envelope.id, event: envelope.event });
    return { id: envelope.id, event: envelope.event, status: 'duplicate', invalidatedUserIds: [] };
  }

  async #handle(envelope: WebhookEnvelope): Promise<WebhookOutcome> {
    const { id, event } = envelope;
    if (!isDirectorySyncEventType(event)) {
      this.logger.warn('WorkOSDirectorySync: ignoring an event that is not a Directory Sync event', { eventId: id, event });
      return { id, event, status: 'ignored', invalidatedUserIds: [] };
    }
    const { argument, affectedUser } = mapEvent(event, envelope.data);

    // Access first: a deprovisioned user loses it even when the app's handler then fails.
    let invalidatedUserIds: string[] = [];
    if (affectedUser) {
      try {
        invalidatedUserIds = await this.#invalidate(affectedUser);
      } catch (error) {
        this.logger.error('WorkOSDirectorySync: cache invalidation failed; answering 5xx so WorkOS retries', {
          eventId: id,
          event,
          error: errorName(error),
        });
        throw new WorkOSWebhookHandlerError(envelope, 'invalidate', error);
      }
    }

    const handlerName = DIRECTORY_SYNC_HANDLERS[event];
    const handler = this.#settings.handlers[handlerName] as ((data: unknown) => void | Promise<void>) | undefined;
    if (handler) {
      try {
        await handler(argument);
      } catch (error) {
        this.logger.error(`WorkOSDirectorySync: ${handlerName} threw`, {
          eventId: id,
          event,
          error: errorName(error),
          retried: this.#settings.rethrowHandlerErrors,
        });
        if (this.#settings.rethrowHandlerErrors) throw new WorkOSWebhookHandlerError(envelope, handlerName, error);
      }
    }
    this.logger.debug('WorkOSDirectorySync: event handled', { eventId: id, event, invalidatedUsers: invalidatedUserIds.length });
    return { id, event, status: 'handled', invalidatedUserIds };
  }

  /** Finds the AuthKit user ids cached under the directory user's emails, then drops them everywhere. */
  async #invalidate(user: DirectorySyncUserData): Promise<string[]> {
    const targets = this.#settings.invalidate;
    if (targets.length === 0) return [];
    const emails = [...new Set(user.emails.map((email) => email.value.trim().toLowerCase()).filter(Boolean))];
    const userIds = new Set<string>();
    for (const target of targets) {
      if (!target.cachedUserIdsByEmail) continue;
      for (const email of emails) for (const userId of await target.cachedUserIdsByEmail(email)) userIds.add(userId);
    }
    for (const userId of userIds) for (const target of targets) await target.invalidateUser(userId);
    return [...userIds];
  }

  /** Every page, through the shared gateway (deadline, Retry-After gate, classified and logged failures). */
  async #listAll<T>(operation: string, fetchPage: (workos: WorkOS, after: string | undefined) => Promise<ListPage<T>>): Promise<T[]> {
    const { items, complete } = await this.#gateway.listAll(operation, fetchPage);
    if (!complete) this.logger.warn(`WorkOSDirectorySync: ${operation} stopped after ${MAX_LIST_PAGES} pages`, { operation });
    return items;
  }
}

/** The handler's argument, and the user whose access the event may change (if any). */
function mapEvent(
  event: DirectorySyncEventType,
  data: Record<string, unknown>,
): { argument: unknown; affectedUser: DirectorySyncUserData | undefined } {
  switch (event) {
    case 'dsync.user.created': {
      return { argument: mapUserData(data), affectedUser: undefined };
    }
    case 'dsync.user.updated':
    case 'dsync.user.deleted': {
      const user = mapUserData(data);
      return { argument: user, affectedUser: user };
    }
    case 'dsync.group.created':
    case 'dsync.group.updated':
    case 'dsync.group.deleted':
      return { argument: mapGroupData(data), affectedUser: undefined };
    case 'dsync.group.user_added':
    case 'dsync.group.user_removed': {
      const membership = mapGroupMembershipData(data);
      return { argument: membership, affectedUser: membership.user };
    }
  }
}

function requireId(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`WorkOSDirectorySync: \`${name}\` must be a non-empty string.`);
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
