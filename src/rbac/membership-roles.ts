import type { OrganizationMembership } from '@workos-inc/node';
import { WORKOS_PAGE_SIZE, type WorkOSGateway } from '../shared/gateway';
import { rbacErrorFromUpstream } from './errors';
import { rolesForOrganization } from './role-source';

/** A user has at most one membership per organization; 10 pages is far beyond real use. */
const MAX_PAGES = 10;

/** Reads a user's roles from WorkOS (`listOrganizationMemberships`, all pages) through the gateway. */
export class MembershipRoles {
  readonly #gateway: WorkOSGateway;

  constructor(gateway: WorkOSGateway) {
    this.#gateway = gateway;
  }

  /**
   * Role slugs of the user's active membership in `organizationId`; with no organization
   * context, the union over the user's active memberships; `[]` when there is none.
   */
  async rolesOf(userId: string, organizationId: string | undefined): Promise<string[]> {
    try {
      const { items } = await this.#gateway.listAll<OrganizationMembership>(
        'listOrganizationMemberships',
        (workos, after) =>
          workos.userManagement.listOrganizationMemberships({
            userId,
            ...(organizationId !== undefined && { organizationId }),
            limit: WORKOS_PAGE_SIZE,
            ...(after && { after }),
          }),
        MAX_PAGES,
      );
      return rolesForOrganization(items, organizationId);
    } catch (error) {
      throw rbacErrorFromUpstream(error);
    }
  }
}
