import type { Organization, OrganizationMembership } from '@workos-inc/node';
import { isUpstreamError } from '../shared/errors';
import type { WorkOSGateway } from '../shared/gateway';
import { WORKOS_PAGE_SIZE } from '../shared/gateway';
import type { WorkOSDirectory } from './directory';

/** Role slugs that make a member an organization admin (upstream's rule). */
const ADMIN_ROLES: ReadonlySet<string> = new Set(['admin', 'owner']);

/** A user's memberships are few; 10 pages of 100 is far beyond real use. */
const MAX_PAGES = 10;

/**
 * Organization helpers of `MastraAuthWorkos` (Mastra's `IOrganizationsProvider` and upstream's
 * `ensureOrganization` / `isOrganizationAdmin`), every call through the gateway.
 */
export class WorkOSOrganizations {
  readonly #gateway: WorkOSGateway;
  readonly #directory: WorkOSDirectory;

  constructor(gateway: WorkOSGateway, directory: WorkOSDirectory) {
    this.#gateway = gateway;
    this.#directory = directory;
  }

  /**
   * The user's organization: the first membership's organization when there is one, else a
   * personal organization created for them (named `<email>'s org`, `externalId` = the user id,
   * metadata `{ personal: 'true' }`, idempotent per user), with the user added as a member.
   * Throws on WorkOS failures; the provider turns that into a logged `undefined`.
   */
  async ensure(userId: string): Promise<string> {
    const memberships = await this.#memberships({ userId });
    const first = memberships[0];
    if (first !== undefined) return first.organizationId;

    const user = this.#directory.peekUser(userId) ?? (await this.#directory.getUser(userId));
    const organization = await this.#personalOrganization(userId, user.email || userId);
    try {
      await this.#gateway.call('createOrganizationMembership', (workos) =>
        workos.userManagement.createOrganizationMembership({ organizationId: organization.id, userId }),
      );
    } catch (error) {
      // Already a member (a concurrent call, or an earlier attempt that failed later): fine.
      if (!(isUpstreamError(error) && (error.status === 409 || error.status === 422))) throw error;
    }
    this.#directory.invalidateMemberships(userId);
    return organization.id;
  }

  /** Whether the user's membership in `organizationId` has role `admin` or `owner` (any of its roles). */
  async isAdmin(organizationId: string, userId: string): Promise<boolean> {
    const memberships = await this.#memberships({ userId, organizationId });
    const membership = memberships.find((item) => item.organizationId === organizationId);
    if (membership === undefined) return false;
    const roles = Array.isArray(membership.roles) && membership.roles.length > 0 ? membership.roles : [membership.role];
    return roles.some((role) => typeof role?.slug === 'string' && ADMIN_ROLES.has(role.slug));
  }

  async #memberships(filter: { userId: string; organizationId?: string }): Promise<OrganizationMembership[]> {
    const { items } = await this.#gateway.listAll<OrganizationMembership>(
      'listOrganizationMemberships',
      (workos, after) => workos.userManagement.listOrganizationMemberships({ ...filter, limit: WORKOS_PAGE_SIZE, ...(after && { after }) }),
      MAX_PAGES,
    );
    return items;
  }

  async #personalOrganization(userId: string, label: string): Promise<Organization> {
    try {
      return await this.#gateway.call('createOrganization', (workos) =>
        workos.organizations.createOrganization(
          { name: `${label}'s org`, externalId: userId, metadata: { personal: 'true' } },
          { idempotencyKey: `mastra-personal-org-${userId}` },
        ),
      );
    } catch (error) {
      // The external id is taken: the personal organization exists already (an earlier call).
      if (!(isUpstreamError(error) && error.status !== undefined && error.status >= 400 && error.status < 500)) throw error;
      return this.#gateway.call('getOrganizationByExternalId', (workos) => workos.organizations.getOrganizationByExternalId(userId));
    }
  }
}
