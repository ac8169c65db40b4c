import type { OrganizationMembership, WorkOS } from '@workos-inc/node';
import { classifyUpstreamError, RetryAfterGate, withDeadline } from '../shared/upstream';
import { WorkOSRBACError } from './errors';
import { membershipRoles, pickMembership } from './role-source';


/** One page is plenty: a user has at most one membership per organization. */
const PAGE_SIZE = 100;

/**
 * Reads a user's roles in one organization from WorkOS (`listOrganizationMemberships`): every
 * call bounded by a deadline, none at all while a 429's `Retry-After` runs.
 */
export class MembershipRoles {
  readonly #workos: WorkOS;
  readonly #requestTimeoutMs: number;
  readonly #gate = new RetryAfterGate();
  #calls = 0;

  constructor(workos: WorkOS, requestTimeoutMs: number) {
    this.#workos = workos;
    this.#requestTimeoutMs = requestTimeoutMs;
  }

  /** WorkOS API calls made so far. */
  get upstreamCalls(): number {
    return this.#calls;
  }

  /**
   * Role slugs of the user's active membership in `organizationId` (or of the first active
   * membership when `undefined`); `[]` when there is none.
   */
  async rolesOf(userId: string, organizationId: string | undefined): Promise<string[]> {
    const memberships = await this.#list(userId, organizationId);
    const membership = pickMembership(memberships, organizationId);
    return membership ? membershipRoles(membership) : [];
  }

  async #list(userId: string, organizationId: string | undefined): Promise<OrganizationMembership[]> {
    if (this.#gate.blocked) {
      throw new WorkOSRBACError(
        'upstream_rate_limited',
        `WorkOS rate limit: not calling listOrganizationMemberships for another ${this.#gate.blockedForMs} ms`,
      );
    }
    this.#calls += 1;
    try {
      const page = await withDeadline(
        this.#workos.userManagement.listOrganizationMemberships({
          userId,
          ...(organizationId !== undefined && { organizationId }),
          limit: PAGE_SIZE,
        }),
        this.#requestTimeoutMs,
      );
      if (!Array.isArray(page?.data)) throw new TypeError('listOrganizationMemberships returned no data list');
      return page.data;
    } catch (error) {
      const failure = classifyUpstreamError(error);
      if (failure.kind === 'rate_limited') this.#gate.block(failure.retryAfterSec);
      throw new WorkOSRBACError(
        failure.kind === 'rate_limited' ? 'upstream_rate_limited' : 'upstream_unavailable',
        `WorkOS listOrganizationMemberships failed (${failure.kind}${failure.status ? ` ${failure.status}` : ''})`,
        { cause: error, failure },
      );
    }
  }
}
