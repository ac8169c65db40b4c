import type { OrganizationMembership, User } from '@workos-inc/node';
import type { JWTPayload } from 'jose';
import { pickMembership } from '../shared/memberships';
import { readStringClaim, readStringListClaim } from './claims';
import type { WorkOSDirectory } from './directory';
import { WorkOSAuthError } from './errors';
import type { MastraAuthWorkosOptions, ResolvedAuthSettings } from './options';
import { extractBearerToken } from './token-shape';
import { mapWorkOSUserToEEUser, type WorkOSUser } from './user';
import type { TokenLookup, TokenVerifier, VerifiedToken } from './verify';

type VerifiedPayload = VerifiedToken['payload'];

/**
 * The user last built for a verified token, with the cache entries it was built from. A repeated
 * token whose WorkOS user (and memberships) are still the very same cached objects gets a copy of
 * it without re-reading a claim: the warm path is a hash, two map lookups and a copy.
 */
export interface BuiltUserMemo {
  user: WorkOSUser;
  /** The cached WorkOS user it came from; `null` for a user built from claims (`trustJwtClaims`). */
  source: User | null;
  /** The cached memberships it came from; `null` without `fetchMemberships`. */
  memberships: OrganizationMembership[] | null;
  /** The id its memberships are cached under. */
  subjectId: string;
}

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
  /** Mapped profiles by the cached WorkOS user object: dropped with it when the cache lets it go. */
  readonly #profiles = new WeakMap<User, WorkOSUser>();

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

  /**
   * The user for a bearer value. Synchronous for a repeated token whose user is still cached
   * (no promise at all on the hot path); otherwise a promise.
   */
  authenticate(bearer: unknown): WorkOSUser | Promise<WorkOSUser> {
    const token = extractBearerToken(bearer);
    const lookup = this.#verifier.lookup(token);
    const memo = lookup.verified?.memo;
    if (memo !== undefined && this.#memoCurrent(memo)) return copyUser(memo.user);
    return this.#authenticate(token, lookup);
  }

  async #authenticate(token: string, lookup: TokenLookup): Promise<WorkOSUser> {
    const verified = lookup.verified ?? (await this.#verifier.verify(token, lookup));
    const { payload } = verified;
    const trustClaims = this.#settings.trustJwtClaims;
    // Warm path: answered from the cache without a promise hop.
    const workosUser = trustClaims ? null : (this.#directory.peekUser(payload.sub) ?? (await this.#directory.getUser(payload.sub)));

    const subjectId = workosUser?.id ?? payload.sub;
    let memberships: OrganizationMembership[] | null = null;
    let membershipsFailed = false;
    if (this.#settings.fetchMemberships) {
      const loaded = this.#directory.peekMemberships(subjectId) ?? (await this.#loadMemberships(subjectId));
      // A failed listing (logged by the gateway) leaves the user without memberships:
      // authentication stands, and RBAC/FGA decide on what they have (failing closed).
      if (loaded === undefined) membershipsFailed = true;
      else memberships = loaded;
    }

    const profile = this.#profile(payload, workosUser, memberships);
    if (this.#mapJwtPayloadToUser) return this.#withHook(payload, profile);
    const user: WorkOSUser = { ...payload, ...profile };
    if (!membershipsFailed) verified.memo = { user, source: workosUser, memberships, subjectId };
    return copyUser(user);
  }

  /**
   * The user of a verified session cookie: the WorkOS user comes from the seal (no `getUser`
   * call); memberships, token context and `mapJwtPayloadToUser` apply as for a bearer token.
   */
  async authenticateSession(payload: VerifiedPayload, workosUser: User): Promise<WorkOSUser> {
    let memberships: OrganizationMembership[] | null = null;
    if (this.#settings.fetchMemberships) {
      memberships = this.#directory.peekMemberships(workosUser.id) ?? (await this.#loadMemberships(workosUser.id)) ?? null;
    }
    const profile = this.#profile(payload, workosUser, memberships);
    if (this.#mapJwtPayloadToUser) return this.#withHook(payload, profile);
    return { ...payload, ...profile };
  }

  #memoCurrent(memo: BuiltUserMemo): boolean {
    if (memo.source !== null && this.#directory.peekUser(memo.source.id) !== memo.source) return false;
    if (memo.memberships !== null && this.#directory.peekMemberships(memo.subjectId) !== memo.memberships) return false;
    return true;
  }

  async #loadMemberships(userId: string): Promise<OrganizationMembership[] | undefined> {
    try {
      return await this.#directory.listMemberships(userId);
    } catch {
      return undefined;
    }
  }

  /** The mapped fields: WorkOS profile (or claims), the token's context, memberships, `metadata.role`. */
  #profile(payload: VerifiedPayload, workosUser: User | null, memberships: OrganizationMembership[] | null): WorkOSUser {
    const user = workosUser ? this.#mappedProfile(workosUser) : this.#userFromClaims(payload);
    this.#applyTokenContext(user, payload);
    if (memberships !== null) applyMemberships(user, memberships);
    setMetadataRole(user, workosUser);
    return user;
  }

  /** A fresh copy of the mapped WorkOS user; the mapping itself is done once per fetched user. */
  #mappedProfile(workosUser: User): WorkOSUser {
    let base = this.#profiles.get(workosUser);
    if (base === undefined) {
      base = mapWorkOSUserToEEUser(workosUser);
      this.#profiles.set(workosUser, base);
    }
    return copyUser(base);
  }

  /** A user from verified claims (`trustJwtClaims`), mapped by `jwtClaims`. */
  #userFromClaims(payload: VerifiedPayload): WorkOSUser {
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

  /**
   * Upstream's order: the hook's fields sit under the profile — fields the profile sets win,
   * fields it lacks (an organization, custom fields) come from the hook; raw claims lie beneath both.
   */
  async #withHook(payload: VerifiedPayload, profile: WorkOSUser): Promise<WorkOSUser> {
    let extra: Partial<WorkOSUser> | null | undefined;
    try {
      extra = await this.#mapJwtPayloadToUser?.(payload, { ...payload, ...copyUser(profile) });
    } catch (error) {
      throw new WorkOSAuthError('hook_failed', 'mapJwtPayloadToUser threw', { cause: error });
    }
    if (extra !== null && extra !== undefined && typeof extra !== 'object') {
      throw new WorkOSAuthError('hook_failed', 'mapJwtPayloadToUser returned something other than an object');
    }
    return { ...payload, ...extra, ...definedFields(profile) } as WorkOSUser;
  }
}

/** A copy a request may change freely at the top level and in `metadata`. */
function copyUser(user: WorkOSUser): WorkOSUser {
  return { ...user, metadata: { ...user.metadata } };
}

function definedFields<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) (out as Record<string, unknown>)[key] = field;
  return out;
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
function setMetadataRole(user: WorkOSUser, workosUser: User | null): void {
  const membership = user.memberships?.find((item) => item.id === user.organizationMembershipId);
  const role = user.role ?? membership?.role?.slug ?? workosUser?.metadata?.role;
  // Each request's user has its own metadata object (see copyUser), so it can be set in place.
  if (role !== undefined) (user.metadata ??= {}).role = role;
}
