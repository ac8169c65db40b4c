import type { OrganizationMembership, User } from '@workos-inc/node';
import type { JWTPayload } from 'jose';
import { pickMembership } from '../shared/memberships';
import { readStringClaim, readStringListClaim } from './claims';
import type { WorkOSDirectory } from './directory';
import { WorkOSAuthError } from './errors';
import type { ResolvedAuthSettings, MastraAuthWorkosOptions } from './options';
import { extractBearerToken } from './token-shape';
import { mapWorkOSUserToEEUser, type WorkOSUser } from './user';
import type { TokenVerifier, VerifiedToken } from './verify';

/**
 * The token pipeline, free of any framework type: bearer value in, {@link WorkOSUser} out, or a
 * {@link WorkOSAuthError} saying why not. Order: shape → signature → claims → WorkOS lookups →
 * user mapping; nothing reaches WorkOS's API before the token fully verified.
 */
export class WorkOSAuthenticator {
  readonly #settings: ResolvedAuthSettings;
  readonly #verifier: TokenVerifier;
  readonly #directory: WorkOSDirectory;
  readonly #mapJwtPayloadToUser: MastraAuthWorkosOptions['mapJwtPayloadToUser'];
  /** Mapped users by the cached WorkOS user object: dropped with it when the cache lets it go. */
  readonly #mapped = new WeakMap<User, WorkOSUser>();

  constructor(
    settings: ResolvedAuthSettings,
    verifier: TokenVerifier,
    directory: WorkOSDirectory,
    mapJwtPayloadToUser?: MastraAuthWorkosOptions['mapJwtPayloadToUser'],
  ) {
    this.#settings = settings;
    this.#verifier = verifier;
    this.#directory = directory;
    this.#mapJwtPayloadToUser = mapJwtPayloadToUser;
  }

  async authenticate(bearer: unknown): Promise<WorkOSUser> {
    const token = extractBearerToken(bearer);
    const { payload } = await this.#verifier.verify(token);
    const user = await this.#resolveUser(payload);
    return this.#mapJwtPayloadToUser ? this.#applyPayloadMapping(payload, user) : user;
  }

  /**
   * The user of a verified session cookie: the WorkOS user comes from the seal (no `getUser`
   * call); token context, memberships and `mapJwtPayloadToUser` apply as for a bearer token.
   */
  async authenticateSession(payload: VerifiedToken['payload'], workosUser: User): Promise<WorkOSUser> {
    const user = await this.#resolveUser(payload, workosUser);
    return this.#mapJwtPayloadToUser ? this.#applyPayloadMapping(payload, user) : user;
  }

  async #resolveUser(payload: VerifiedToken['payload'], known?: User): Promise<WorkOSUser> {
    // Warm path: both lookups answered from the cache without a promise hop.
    let workosUser = known ?? this.#directory.peekUser(payload.sub);
    if (workosUser === undefined) {
      try {
        workosUser = await this.#directory.getUser(payload.sub);
      } catch (error) {
        const serviceToken = error instanceof WorkOSAuthError && error.code === 'user_not_found' && this.#settings.trustJwtClaims;
        if (!serviceToken) throw error;
      }
    }
    const user = workosUser ? this.#baseUser(workosUser) : this.#userFromClaims(payload);
    this.#applyTokenContext(user, payload);
    if (this.#settings.fetchMemberships) {
      const subjectId = workosUser?.id ?? payload.sub;
      const memberships = this.#directory.peekMemberships(subjectId) ?? (await this.#loadMemberships(subjectId));
      // A failed listing (already logged by the gateway) leaves the user without memberships:
      // authentication stands, and RBAC/FGA decide on what they have (failing closed).
      if (memberships !== undefined) applyMemberships(user, memberships);
    }
    setMetadataRole(user, workosUser);
    return user;
  }

  async #loadMemberships(userId: string): Promise<OrganizationMembership[] | undefined> {
    try {
      return await this.#directory.listMemberships(userId);
    } catch {
      return undefined;
    }
  }

  /** A fresh copy of the mapped WorkOS user; the mapping itself is done once per fetched user. */
  #baseUser(workosUser: User): WorkOSUser {
    let base = this.#mapped.get(workosUser);
    if (base === undefined) {
      base = mapWorkOSUserToEEUser(workosUser);
      this.#mapped.set(workosUser, base);
    }
    return { ...base, metadata: { ...base.metadata } };
  }

  /** A service user from verified claims (`trustJwtClaims`, subject unknown to WorkOS). */
  #userFromClaims(payload: JWTPayload & { sub: string }): WorkOSUser {
    const claims = this.#settings.jwtClaims;
    const id = readStringClaim(payload, claims.userId) ?? payload.sub;
    const workosId = readStringClaim(payload, claims.workosId) ?? id;
    const email = readStringClaim(payload, claims.email);
    const name = readStringClaim(payload, claims.name) ?? email;
    return {
      id,
      workosId,
      ...(email !== undefined && { email }),
      ...(name !== undefined && { name }),
      metadata: { workosId, source: 'jwt_claims' },
    };
  }

  /** Organization context and authorization claims, read from the verified token. */
  #applyTokenContext(user: WorkOSUser, payload: JWTPayload): void {
    const claims = this.#settings.jwtClaims;
    const organizationId = readStringClaim(payload, claims.organizationId);
    const membershipId = readStringClaim(payload, claims.organizationMembershipId);
    const role = readStringClaim(payload, 'role');
    const roles = readStringListClaim(payload, 'roles');
    const permissions = readStringListClaim(payload, 'permissions');
    const sessionId = readStringClaim(payload, 'sid');
    if (organizationId !== undefined) {
      user.organizationId = organizationId;
      user.organizationIdSource = 'token';
    }
    if (membershipId !== undefined) user.organizationMembershipId = membershipId;
    if (role !== undefined) user.role = role;
    if (roles !== undefined) user.roles = roles;
    if (permissions !== undefined) user.permissions = permissions;
    if (sessionId !== undefined) user.sessionId = sessionId;
  }

  async #applyPayloadMapping(payload: JWTPayload, user: WorkOSUser): Promise<WorkOSUser> {
    if (!this.#mapJwtPayloadToUser) return user;
    let override: Partial<WorkOSUser> | null | undefined;
    try {
      override = await this.#mapJwtPayloadToUser(payload, user);
    } catch (error) {
      throw new WorkOSAuthError('hook_failed', 'mapJwtPayloadToUser threw', { cause: error });
    }
    const merged = override ? { ...user, ...override } : user;
    if (typeof merged.id !== 'string' || merged.id === '') {
      throw new WorkOSAuthError('hook_failed', 'mapJwtPayloadToUser returned a user without an id');
    }
    return merged;
  }
}

/**
 * Fills `memberships`, and from the membership that counts (the shared rule: the active one in the
 * token's organization, else the only active one) the organization and the membership id.
 */
function applyMemberships(user: WorkOSUser, memberships: OrganizationMembership[]): void {
  user.memberships = memberships;
  const current = pickMembership<OrganizationMembership>(memberships, user.organizationId);
  if (current === undefined) return;
  if (user.organizationId === undefined) {
    user.organizationId = current.organizationId;
    user.organizationIdSource = 'memberships';
  }
  user.organizationMembershipId ??= current.id;
}

/**
 * `metadata.role`, so that checks like `user.metadata.role === 'admin'` work: the token's role
 * first, then the role of the membership in the current organization, else whatever the WorkOS
 * user's own metadata says.
 */
function setMetadataRole(user: WorkOSUser, workosUser: User | undefined): void {
  const membership = user.memberships?.find((item) => item.id === user.organizationMembershipId);
  const role = user.role ?? membership?.role?.slug ?? workosUser?.metadata?.role;
  // Each request's user has its own metadata object (see #baseUser), so it can be set in place.
  if (role !== undefined) (user.metadata ??= {}).role = role;
}
