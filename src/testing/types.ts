/**
 * Public data shapes of the WorkOS emulator.
 *
 * Entities returned by the emulator (`EmulatorUser`, `EmulatorOrganization`, ...) have exactly the
 * camelCase shape the real `@workos-inc/node` v11 SDK returns for the same object, so
 * `expect(await workos.userManagement.getUser(id)).toEqual(emu.getUser(id))` holds.
 */

/** Options of {@link startWorkOSEmulator}. */
export interface WorkOSEmulatorOptions {
  /** API key the emulator accepts as `Authorization: Bearer <apiKey>`. Default `'sk_test_emulator'`. */
  apiKey?: string;
  /** WorkOS client id (JWKS path, token issuer, `client_id` of the authenticate grant). Default `'client_emulator'`. */
  clientId?: string;
  /** Interface to bind. Loopback only (`127.0.0.1`, any `127.x.x.x`, `::1`, `localhost`). Default `'127.0.0.1'`. */
  host?: string;
  /** TCP port. Default `0`: a random free port, read it back from {@link WorkOSEmulator.port}. */
  port?: number;
  /** Lifetime of minted and issued access tokens, in seconds. Default `300` (like WorkOS). */
  tokenTtlSeconds?: number;
}

/**
 * Name under which every HTTP request is counted and faults are injected. One name per SDK
 * method; requests matching no emulated endpoint count as `'unknown'`.
 */
export type EmulatorRoute =
  | 'jwks'
  | 'getUser'
  | 'getOrganization'
  | 'getOrganizationByExternalId'
  | 'createOrganization'
  | 'createOrganizationMembership'
  | 'listOrganizationMemberships'
  | 'getOrganizationMembership'
  | 'authenticate'
  | 'authorization.check'
  | 'authorization.listResourcesForMembership'
  | 'authorization.createResource'
  | 'authorization.getResource'
  | 'authorization.updateResource'
  | 'authorization.deleteResource'
  | 'authorization.listResources'
  | 'authorization.getResourceByExternalId'
  | 'authorization.updateResourceByExternalId'
  | 'authorization.deleteResourceByExternalId'
  | 'authorization.listRoleAssignments'
  | 'authorization.assignRole'
  | 'authorization.removeRole'
  | 'authorization.removeRoleAssignment'
  | 'authorization.listRoles'
  | 'authorization.listPermissions'
  | 'directorySync.listDirectories'
  | 'directorySync.getDirectory'
  | 'directorySync.listUsers'
  | 'directorySync.getUser'
  | 'directorySync.listGroups'
  | 'directorySync.getGroup'
  | 'adminPortal.generateLink'
  | 'auditLogs.createEvent'
  | 'auditLogs.createExport'
  | 'auditLogs.getExport'
  | 'unknown';

/** A user, shaped like the SDK's `User`. */
export interface EmulatorUser {
  object: 'user';
  id: string;
  email: string;
  emailVerified: boolean;
  /** `firstName lastName`, or `null` when both are empty (derived, like WorkOS). */
  name: string | null;
  firstName: string | null;
  profilePictureUrl: string | null;
  lastName: string | null;
  /** Set when an authorization code for this user is redeemed. */
  lastSignInAt: string | null;
  locale: string | null;
  createdAt: string;
  updatedAt: string;
  externalId: string | null;
  metadata: Record<string, string>;
}

/** Input of {@link WorkOSEmulator.createUser}. */
export interface CreateUserInput {
  /** Default: a generated `user_01...` id. */
  id?: string;
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  /** Default `true`. */
  emailVerified?: boolean;
  profilePictureUrl?: string | null;
  metadata?: Record<string, string>;
  externalId?: string | null;
  locale?: string | null;
}

/** Patch of {@link WorkOSEmulator.updateUser}; omitted fields keep their value. */
export type UpdateUserInput = Partial<Omit<CreateUserInput, 'id'>>;

/** A domain of an organization, shaped like the SDK's `OrganizationDomain`. */
export interface EmulatorOrganizationDomain {
  object: 'organization_domain';
  id: string;
  domain: string;
  organizationId: string;
  state: 'verified';
  verificationStrategy: 'manual';
  createdAt: string;
  updatedAt: string;
}

/** An organization, shaped like the SDK's `Organization`. */
export interface EmulatorOrganization {
  object: 'organization';
  id: string;
  name: string;
  allowProfilesOutsideOrganization: boolean;
  domains: EmulatorOrganizationDomain[];
  createdAt: string;
  updatedAt: string;
  externalId: string | null;
  metadata: Record<string, string>;
}

/** Input of {@link WorkOSEmulator.createOrganization}. */
export interface CreateOrganizationInput {
  /** Default: a generated `org_01...` id. */
  id?: string;
  name: string;
  /** Domain names; each becomes a verified `organization_domain`. */
  domains?: string[];
  externalId?: string | null;
  metadata?: Record<string, string>;
}

/** Status of an organization membership. */
export type MembershipStatus = 'active' | 'inactive' | 'pending';

/** An organization membership, shaped like the SDK's `OrganizationMembership`. */
export interface EmulatorMembership {
  object: 'organization_membership';
  id: string;
  userId: string;
  organizationId: string;
  organizationName: string;
  status: MembershipStatus;
  directoryManaged: boolean;
  createdAt: string;
  updatedAt: string;
  /** The primary role. */
  role: { slug: string };
  /** All roles; always includes the primary role. */
  roles: Array<{ slug: string }>;
  customAttributes: Record<string, unknown>;
}

/** Input of {@link WorkOSEmulator.createMembership}. */
export interface CreateMembershipInput {
  /** Default: a generated `om_01...` id. */
  id?: string;
  userId: string;
  organizationId: string;
  /** Primary role slug. Default: `roles[0]`, else `'member'`. */
  role?: string;
  /** All role slugs. Default `[role]`; the primary role is added in front when missing. */
  roles?: string[];
  /** Default `'active'`. */
  status?: MembershipStatus;
}

/**
 * Patch of {@link WorkOSEmulator.updateMembership}. Giving only `role` sets `roles` to `[role]`;
 * giving only `roles` sets `role` to `roles[0]`.
 */
export interface UpdateMembershipInput {
  role?: string;
  roles?: string[];
  status?: MembershipStatus;
}

/** Input of {@link WorkOSEmulator.defineRole}. */
export interface DefineRoleInput {
  slug: string;
  /** Permission slugs the role grants. */
  permissions: string[];
  /** Display name. Default: the slug. */
  name?: string;
  /**
   * The resource type the role belongs to (a role on `team` resources, say). Default
   * `'organization'`: an organization-wide role.
   */
  resourceTypeSlug?: string;
  /**
   * Makes it a custom role of this organization (`type: 'OrganizationRole'`), listed only by
   * `listOrganizationRoles` of that organization. Default: an environment role. Role slugs are
   * unique across the emulator (redefining a slug replaces the role).
   */
  organizationId?: string;
}

/** A role as listed by `authorization.listEnvironmentRoles` / `listOrganizationRoles`. */
export interface EmulatorRole {
  object: 'role';
  id: string;
  name: string;
  slug: string;
  description: string | null;
  permissions: string[];
  resourceTypeSlug: string;
  type: 'EnvironmentRole' | 'OrganizationRole';
  /** The organization of a custom role; `null` for an environment role (not on the wire). */
  organizationId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An Authorization API resource, shaped like the SDK's `AuthorizationResource`. */
export interface EmulatorResource {
  object: 'authorization_resource';
  id: string;
  externalId: string;
  name: string;
  description: string | null;
  resourceTypeSlug: string;
  organizationId: string;
  parentResourceId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link WorkOSEmulator.createResource}. */
export interface CreateResourceInput {
  /** Default: a generated `authz_resource_01...` id. */
  id?: string;
  organizationId: string;
  resourceTypeSlug: string;
  /** Your identifier; unique per organization and resource type. */
  externalId: string;
  /** Default: the external id. */
  name?: string;
  description?: string | null;
  /** Parent resource (same organization); permissions granted on it inherit down. */
  parentResourceId?: string;
}

/** A role assignment, shaped like the SDK's `RoleAssignment` (v11: with `source` and `organizationMembershipId`). */
export interface EmulatorRoleAssignment {
  object: 'role_assignment';
  id: string;
  organizationMembershipId: string;
  role: { slug: string };
  resource: { id: string; externalId: string; resourceTypeSlug: string };
  source: { type: 'direct'; groupRoleAssignmentId: null };
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link WorkOSEmulator.assignRole}. */
export interface AssignRoleInput {
  organizationMembershipId: string;
  /** A role declared with {@link WorkOSEmulator.defineRole}. */
  roleSlug: string;
  resourceId: string;
}

/**
 * Input of {@link WorkOSEmulator.mintAccessToken}. The keys `expiresIn`, `kid`, `header` and
 * `signWith` are options; every other key is written as a claim (an explicit claim replaces the
 * default, a claim set to `undefined` is left out).
 */
export interface MintAccessTokenInput {
  /** The WorkOS user id (`user_...`). */
  sub: string;
  org_id?: string;
  role?: string;
  roles?: string[];
  permissions?: string[];
  entitlements?: string[];
  /** Session id. Default: a random `session_01...`. */
  sid?: string;
  /** Seconds from `iat` to `exp`. Default: `tokenTtlSeconds`. Negative values mint an expired token. */
  expiresIn?: number;
  /** Header `kid`. Default: the signing key's kid; `null` leaves `kid` out of the header. */
  kid?: string | null;
  /** Extra protected-header fields (for example `crit`, `jku`, `x5u`); they override the defaults. */
  header?: Record<string, unknown>;
  /**
   * Signing key. `'current'` (default); `'previous'`: the key in use before the last
   * {@link WorkOSEmulator.rotateKeys} (published only with `keepPrevious`); `'foreign'`: an RSA key that
   * is never published, with the current kid unless `kid` is given.
   */
  signWith?: 'current' | 'previous' | 'foreign';
  [claim: string]: unknown;
}

/** Input of {@link WorkOSEmulator.issueAuthorizationCode}. */
export interface IssueAuthorizationCodeInput {
  userId: string;
  /**
   * Organization of the session. The user needs an active membership there; the access token then
   * carries `org_id`, `role`, `roles` and the `permissions` of those roles (see `defineRole`).
   */
  organizationId?: string;
  /** Extra claims for every access token of this session (also after refresh); they override defaults. */
  claims?: Record<string, unknown>;
  /** `authentication_method` reported by the authenticate response. Default `'Password'`. */
  authenticationMethod?: string;
  /** PKCE S256 code challenge; when set, redeeming the code requires the matching `code_verifier`. */
  codeChallenge?: string;
}

/** Options of {@link WorkOSEmulator.rotateKeys}. */
export interface RotateKeysOptions {
  /** Keep publishing the replaced key, so tokens it signed still verify. Default `true`. */
  keepPrevious?: boolean;
}

/** A fault injected on a route with {@link WorkOSEmulator.injectFault}. */
export interface EmulatorFault {
  /** Answer with this status instead of the normal response. */
  status?: number;
  /**
   * Body of the faulty answer: an object is sent as JSON, a string is sent as is. Default: a
   * WorkOS-style `{ code, message }` JSON error.
   */
  body?: unknown;
  /** Content type of the faulty answer. Default `application/json` (`text/plain` for a string body). */
  contentType?: string;
  /** Extra response headers, for example `{ 'Retry-After': '3' }`. */
  headers?: Record<string, string>;
  /** Wait this long first; then answer normally, or with `status` when given. */
  delayMs?: number;
  /**
   * Compute the normal answer at once, but send it only after this long: the answer reflects the
   * state when the request arrived (a slow network), which is what in-flight races need.
   */
  delayResponseMs?: number;
  /** Never answer; the request stays open until the client gives up or {@link WorkOSEmulator.stop}. */
  hang?: boolean;
  /** Number of requests the fault applies to. Default: every request until cleared. */
  times?: number;
}

/** One HTTP request seen by the emulator. */
export interface EmulatorCall {
  readonly route: EmulatorRoute;
  readonly method: string;
  /** Path without the query string, as received (ids stay percent-encoded). */
  readonly path: string;
  /** Response status; `0` while the request is still pending (delayed or hung). */
  readonly status: number;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
}

/**
 * A public key of the emulator's JWKS, with the fields WorkOS publishes. Self-contained (no DOM
 * types needed) and assignable to the DOM `JsonWebKey` and to jose's `JWK`.
 */
export interface EmulatorJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/** Options for `new WorkOS(apiKey, options)` that reach the emulator. */
export interface WorkOSEmulatorConnection {
  apiKey: string;
  clientId: string;
  apiHostname: string;
  port: number;
  https: false;
}

// ---- Directory Sync ----

/** A directory, shaped like the SDK's `Directory` (the wire says `linked`/`unlinked` for the state). */
export interface EmulatorDirectory {
  object: 'directory';
  id: string;
  domain: string;
  externalKey: string;
  name: string;
  organizationId: string;
  state: 'active' | 'inactive';
  type: string;
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link WorkOSEmulator.createDirectory}. */
export interface CreateDirectoryInput {
  /** Default: a generated `directory_01...` id. */
  id?: string;
  organizationId: string;
  name?: string;
  domain?: string;
  /** Default `'generic scim v2.0'`. */
  type?: string;
}

/** A directory group, shaped like the SDK's `DirectoryGroup`. */
export interface EmulatorDirectoryGroup {
  id: string;
  idpId: string;
  directoryId: string;
  organizationId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  rawAttributes: Record<string, unknown>;
}

/** Input of {@link WorkOSEmulator.createDirectoryGroup}. */
export interface CreateDirectoryGroupInput {
  id?: string;
  directoryId: string;
  name: string;
  idpId?: string;
  rawAttributes?: Record<string, unknown>;
}

/**
 * A directory user. Beyond the SDK's `DirectoryUser` it keeps what WorkOS sends on the wire but
 * the SDK drops: `emails[]`, `username`, `jobTitle`, and the ids of its groups.
 */
export interface EmulatorDirectoryUser {
  object: 'directory_user';
  id: string;
  directoryId: string;
  organizationId: string;
  idpId: string;
  email: string;
  emails: Array<{ primary: boolean; type?: string; value: string }>;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  username: string;
  state: 'active' | 'inactive';
  groupIds: string[];
  rawAttributes: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link WorkOSEmulator.createDirectoryUser}. */
export interface CreateDirectoryUserInput {
  id?: string;
  directoryId: string;
  /** The primary email; the link to the AuthKit user with the same email. */
  email: string;
  /** Default `[{ primary: true, type: 'work', value: email }]`. */
  emails?: Array<{ primary: boolean; type?: string; value: string }>;
  firstName?: string | null;
  lastName?: string | null;
  jobTitle?: string | null;
  /** Default: the email. */
  username?: string;
  /** Default `'active'`. */
  state?: 'active' | 'inactive';
  groupIds?: string[];
  idpId?: string;
  rawAttributes?: Record<string, unknown>;
  customAttributes?: Record<string, unknown>;
}

/** Patch of {@link WorkOSEmulator.updateDirectoryUser}. */
export type UpdateDirectoryUserInput = Partial<Omit<CreateDirectoryUserInput, 'id' | 'directoryId'>>;

/** The eight Directory Sync events. */
export type EmulatorDirectorySyncEvent =
  | 'dsync.user.created'
  | 'dsync.user.updated'
  | 'dsync.user.deleted'
  | 'dsync.group.created'
  | 'dsync.group.updated'
  | 'dsync.group.deleted'
  | 'dsync.group.user_added'
  | 'dsync.group.user_removed';

/** Knobs of {@link WorkOSEmulator.sendWebhook}: what an attacker or a flaky network would do. */
export interface SendWebhookOptions {
  /** The signing secret. Default: the one given to `emu.setWebhookSecret`. A different one forges the delivery. */
  secret?: string;
  /** Event id. Default: a new `event_01...`. Reuse one to redeliver. */
  eventId?: string;
  /** Added to the signature's timestamp: `-600_000` signs 10 minutes in the past (stale), `+600_000` in the future. */
  timestampOffsetMs?: number;
  /** Sign the compact JSON but send it re-serialised (indented): the bytes differ, so the signature must fail. */
  reserializeBody?: boolean;
  /** Send the same signed request twice in a row (an at-least-once redelivery); both responses are recorded. */
  duplicate?: boolean;
  /** Send no `WorkOS-Signature` header. */
  omitSignature?: boolean;
  /** Replace the body after signing (tampering). */
  tamperBody?: (body: string) => string;
}

/** One webhook request the emulator sent, with the receiver's answer. */
export interface EmulatorWebhookDelivery {
  readonly url: string;
  readonly eventId: string;
  readonly event: string;
  /** The receiver's status, or `0` when the request failed (connection refused...). */
  readonly status: number;
  readonly responseBody: string;
  /** When the request was sent (`Date.now()`) and how long the receiver took, in ms. */
  readonly sentAt: number;
  readonly durationMs: number;
}

// ---- Admin Portal and Audit Logs ----

/** A `POST /portal/generate_link` the emulator answered. */
export interface EmulatorPortalLink {
  readonly organization: string;
  readonly intent: string;
  readonly returnUrl: string | undefined;
  readonly successUrl: string | undefined;
  readonly link: string;
}

/** An audit-log event the emulator stored (wire shape of `event`, snake_case). */
export interface EmulatorAuditEvent {
  readonly organizationId: string;
  readonly idempotencyKey: string | undefined;
  readonly event: Record<string, unknown>;
}

/** An audit-log export: `pending` when created, `ready` with a `url` from the first poll on. */
export interface EmulatorAuditExport {
  readonly id: string;
  readonly organizationId: string;
  readonly request: Record<string, unknown>;
  readonly state: 'pending' | 'ready';
  readonly polls: number;
}
