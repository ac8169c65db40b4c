import type { OrganizationMembership, User, WorkOS } from '@workos-inc/node';
import { CachedLoader, type CacheSettings } from '../shared/cached-loader';
import { classifyUpstreamError, RetryAfterGate, withDeadline, type UpstreamFailure } from '../shared/upstream';
import { WorkOSAuthError } from './errors';

/** 1,000 memberships per user is far beyond real use; the bound keeps a bad cursor from looping. */
const MAX_MEMBERSHIP_PAGES = 10;

export interface DirectorySettings {
  cache: CacheSettings | false;
  requestTimeoutMs: number;
  /** Called once per failed upstream call (not per waiting request). */
  onUpstreamFailure?(operation: string, failure: UpstreamFailure): void;
}

/**
 * WorkOS users and memberships as the request path needs them: cached (LRU + TTL), concurrent
 * misses for one key coalesced into one call, failures never cached, every call bounded by a
 * deadline, and no calls at all while a 429's `Retry-After` is running.
 */
export class WorkOSDirectory {
  readonly #workos: WorkOS;
  readonly #settings: DirectorySettings;
  readonly #users: CachedLoader<string, User>;
  readonly #memberships: CachedLoader<string, OrganizationMembership[]>;
  readonly #gate = new RetryAfterGate();
  #calls = 0;

  constructor(workos: WorkOS, settings: DirectorySettings) {
    this.#workos = workos;
    this.#settings = settings;
    this.#users = new CachedLoader(settings.cache);
    this.#memberships = new CachedLoader(settings.cache);
  }

  /** WorkOS API calls made so far (for tests and the benchmark). */
  get upstreamCalls(): number {
    return this.#calls;
  }

  get cachedUsers(): number {
    return this.#users.size;
  }

  /** The cached user, without loading. */
  peekUser(userId: string): User | undefined {
    return this.#users.peek(userId);
  }

  /** The cached memberships, without loading. */
  peekMemberships(userId: string): OrganizationMembership[] | undefined {
    return this.#memberships.peek(userId);
  }

  getUser(userId: string): Promise<User> {
    return this.#users.load(userId, () =>
      this.#call('getUser', () => this.#workos.userManagement.getUser(userId)),
    );
  }

  /** All active memberships of a user, every page. */
  listMemberships(userId: string): Promise<OrganizationMembership[]> {
    return this.#memberships.load(userId, () =>
      this.#call('listOrganizationMemberships', async () => {
        // Manual paging: the SDK's autoPagination() stops after the first page when a limit is set.
        const list = (after?: string) =>
          this.#workos.userManagement.listOrganizationMemberships({ userId, limit: 100, ...(after && { after }) });
        let page = await list();
        const all = [...page.data];
        for (let pages = 1; page.listMetadata?.after && pages < MAX_MEMBERSHIP_PAGES; pages += 1) {
          page = await list(page.listMetadata.after);
          all.push(...page.data);
        }
        return all;
      }),
    );
  }

  /** Ids of the cached users with this email (case-insensitive); reads the cache only. */
  cachedUserIdsByEmail(email: string): string[] {
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return [];
    return this.#users.keys().filter((userId) => this.#users.peek(userId)?.email?.toLowerCase() === wanted);
  }

  /** Forget a user (for example after a Directory Sync update). */
  invalidateUser(userId: string): void {
    this.#users.delete(userId);
    this.#memberships.delete(userId);
  }

  async #call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (this.#gate.blocked) {
      throw new WorkOSAuthError(
        'upstream_rate_limited',
        `WorkOS rate limit: not calling ${operation} for another ${this.#gate.blockedForMs} ms`,
      );
    }
    this.#calls += 1;
    try {
      return await withDeadline(run(), this.#settings.requestTimeoutMs);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      if (failure.kind === 'not_found') {
        throw new WorkOSAuthError('user_not_found', `WorkOS ${operation}: not found`, { cause: error });
      }
      if (failure.kind === 'rate_limited') this.#gate.block(failure.retryAfterSec);
      this.#settings.onUpstreamFailure?.(operation, failure);
      throw new WorkOSAuthError(
        failure.kind === 'rate_limited' ? 'upstream_rate_limited' : 'upstream_unavailable',
        `WorkOS ${operation} failed (${failure.kind}${failure.status ? ` ${failure.status}` : ''})`,
        { cause: error },
      );
    }
  }
}
