/**
 * The baseline for call counts: what upstream `@mastra/auth-workos` does per request (see
 * /work/shared/spec/upstream-behaviour.md): build a jose remote key set for the JWKS URL, verify,
 * then `getUser(sub)` and `listOrganizationMemberships({ userId })`. No cache anywhere; a fresh
 * remote key set per verification means a JWKS fetch per token that gets as far as key lookup.
 */
import type { WorkOS } from '@workos-inc/node';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { mapWorkOSUserToEEUser, type WorkOSUser } from '../src';

export class NaiveUpstreamAuth {
  readonly #workos: WorkOS;
  readonly #jwksUrl: URL;

  constructor(workos: WorkOS, clientId: string) {
    this.#workos = workos;
    this.#jwksUrl = new URL(workos.userManagement.getJwksUrl(clientId));
  }

  async authenticateToken(token: string): Promise<WorkOSUser | null> {
    try {
      const keySet = createRemoteJWKSet(this.#jwksUrl);
      const { payload } = await jwtVerify(token, keySet);
      if (typeof payload.sub !== 'string') return null;
      const user = mapWorkOSUserToEEUser(await this.#workos.userManagement.getUser(payload.sub));
      const memberships = await this.#workos.userManagement.listOrganizationMemberships({ userId: payload.sub });
      user.memberships = memberships.data;
      user.organizationId = typeof payload.org_id === 'string' ? payload.org_id : memberships.data[0]?.organizationId;
      return user;
    } catch {
      return null;
    }
  }
}
