import { conflict, notFound, unprocessable } from './errors';
import { newId, timestamp } from './ids';
import type { CreationOrder } from './pagination';
import type {
  CreateMembershipInput,
  CreateOrganizationInput,
  CreateUserInput,
  EmulatorMembership,
  EmulatorOrganization,
  EmulatorUser,
  MembershipStatus,
  UpdateMembershipInput,
  UpdateUserInput,
} from './types';

const STATUSES: readonly MembershipStatus[] = ['active', 'inactive', 'pending'];

/** Filter of {@link DirectoryStore.listMemberships}, as the list endpoint takes it. */
export interface MembershipFilter {
  userId?: string;
  organizationId?: string;
  statuses: readonly MembershipStatus[];
}

/**
 * Users, organizations and organization memberships. Objects are stored in their public shape and
 * copied on the way out, so callers can never mutate the emulator's state by accident.
 */
export class DirectoryStore {
  private readonly users = new Map<string, EmulatorUser>();
  /** Lower-cased email → user id: keeps seeding many users linear. */
  private readonly userIdsByEmail = new Map<string, string>();
  private readonly organizations = new Map<string, EmulatorOrganization>();
  private readonly memberships = new Map<string, EmulatorMembership>();

  constructor(private readonly order: CreationOrder) {}

  clear(): void {
    this.users.clear();
    this.userIdsByEmail.clear();
    this.organizations.clear();
    this.memberships.clear();
  }

  // ---- users ----

  createUser(input: CreateUserInput): EmulatorUser {
    const id = input.id ?? newId('user');
    if (this.users.has(id)) throw conflict(`A user with id '${id}' already exists.`, 'user_already_exists');
    this.assertEmailFree(input.email);
    const now = timestamp();
    const user: EmulatorUser = withName({
      object: 'user',
      id,
      email: input.email,
      emailVerified: input.emailVerified ?? true,
      name: null,
      firstName: input.firstName ?? null,
      profilePictureUrl: input.profilePictureUrl ?? null,
      lastName: input.lastName ?? null,
      lastSignInAt: null,
      locale: input.locale ?? null,
      createdAt: now,
      updatedAt: now,
      externalId: input.externalId ?? null,
      metadata: { ...input.metadata },
    });
    this.users.set(id, user);
    this.userIdsByEmail.set(user.email.toLowerCase(), id);
    this.order.register(id);
    return structuredClone(user);
  }

  updateUser(id: string, patch: UpdateUserInput): EmulatorUser {
    const current = this.requireUser(id);
    if (patch.email !== undefined && patch.email !== current.email) this.assertEmailFree(patch.email);
    const next: EmulatorUser = withName({
      ...current,
      ...definedOnly({
        email: patch.email,
        emailVerified: patch.emailVerified,
        firstName: patch.firstName,
        lastName: patch.lastName,
        profilePictureUrl: patch.profilePictureUrl,
        locale: patch.locale,
        externalId: patch.externalId,
      }),
      ...(patch.metadata !== undefined && { metadata: { ...patch.metadata } }),
      updatedAt: timestamp(),
    });
    this.users.set(id, next);
    if (next.email !== current.email) {
      this.userIdsByEmail.delete(current.email.toLowerCase());
      this.userIdsByEmail.set(next.email.toLowerCase(), id);
    }
    return structuredClone(next);
  }

  /** Deletes the user; returns the ids of the memberships that went with it. */
  deleteUser(id: string): string[] {
    const user = this.requireUser(id);
    this.users.delete(id);
    this.userIdsByEmail.delete(user.email.toLowerCase());
    const removed = [...this.memberships.values()].filter((m) => m.userId === id).map((m) => m.id);
    for (const membershipId of removed) this.memberships.delete(membershipId);
    return removed;
  }

  getUser(id: string): EmulatorUser | undefined {
    const user = this.users.get(id);
    return user && structuredClone(user);
  }

  /** The id of the user with this email (case-insensitive), if any. */
  userIdByEmail(email: string): string | undefined {
    return this.userIdsByEmail.get(email.toLowerCase());
  }

  requireUser(id: string): EmulatorUser {
    const user = this.users.get(id);
    if (!user) throw notFound('User', id);
    return structuredClone(user);
  }

  /** Records a sign-in (authorization code redeemed). */
  touchSignIn(id: string): void {
    const user = this.users.get(id);
    if (user) user.lastSignInAt = timestamp();
  }

  // ---- organizations ----

  createOrganization(input: CreateOrganizationInput): EmulatorOrganization {
    const id = input.id ?? newId('org');
    if (this.organizations.has(id)) throw conflict(`An organization with id '${id}' already exists.`, 'organization_already_exists');
    if (input.externalId && this.findOrganizationByExternalId(input.externalId)) {
      // WorkOS keeps external ids unique per environment (the exact error code is not documented).
      throw conflict(`An organization with external id '${input.externalId}' already exists.`, 'external_id_already_exists');
    }
    const now = timestamp();
    const organization: EmulatorOrganization = {
      object: 'organization',
      id,
      name: input.name,
      allowProfilesOutsideOrganization: false,
      domains: (input.domains ?? []).map((domain) => ({
        object: 'organization_domain',
        id: newId('org_domain'),
        domain,
        organizationId: id,
        state: 'verified',
        verificationStrategy: 'manual',
        createdAt: now,
        updatedAt: now,
      })),
      createdAt: now,
      updatedAt: now,
      externalId: input.externalId ?? null,
      metadata: { ...input.metadata },
    };
    this.organizations.set(id, organization);
    this.order.register(id);
    return structuredClone(organization);
  }

  getOrganization(id: string): EmulatorOrganization | undefined {
    const organization = this.organizations.get(id);
    return organization && structuredClone(organization);
  }

  findOrganizationByExternalId(externalId: string): EmulatorOrganization | undefined {
    const organization = [...this.organizations.values()].find((item) => item.externalId === externalId);
    return organization && structuredClone(organization);
  }

  requireOrganization(id: string): EmulatorOrganization {
    const organization = this.organizations.get(id);
    if (!organization) throw notFound('Organization', id);
    return structuredClone(organization);
  }

  // ---- memberships ----

  createMembership(input: CreateMembershipInput): EmulatorMembership {
    const id = input.id ?? newId('om');
    if (this.memberships.has(id)) throw conflict(`A membership with id '${id}' already exists.`, 'organization_membership_already_exists');
    this.requireUser(input.userId);
    const organization = this.requireOrganization(input.organizationId);
    const duplicate = [...this.memberships.values()].find(
      (m) => m.userId === input.userId && m.organizationId === input.organizationId,
    );
    if (duplicate) {
      throw conflict(
        `User '${input.userId}' is already a member of '${input.organizationId}' (${duplicate.id}).`,
        'organization_membership_already_exists',
      );
    }
    const { role, roles } = normalizeRoles(input.role, input.roles);
    const now = timestamp();
    const membership: EmulatorMembership = {
      object: 'organization_membership',
      id,
      userId: input.userId,
      organizationId: organization.id,
      organizationName: organization.name,
      status: assertStatus(input.status ?? 'active'),
      directoryManaged: false,
      createdAt: now,
      updatedAt: now,
      role: { slug: role },
      roles: roles.map((slug) => ({ slug })),
      customAttributes: {},
    };
    this.memberships.set(id, membership);
    this.order.register(id);
    return structuredClone(membership);
  }

  updateMembership(id: string, patch: UpdateMembershipInput): EmulatorMembership {
    const current = this.requireMembership(id);
    const next: EmulatorMembership = { ...current, updatedAt: timestamp() };
    if (patch.role !== undefined || patch.roles !== undefined) {
      const { role, roles } = normalizeRoles(patch.role, patch.roles);
      next.role = { slug: role };
      next.roles = roles.map((slug) => ({ slug }));
    }
    if (patch.status !== undefined) next.status = assertStatus(patch.status);
    this.memberships.set(id, next);
    return structuredClone(next);
  }

  deleteMembership(id: string): void {
    this.requireMembership(id);
    this.memberships.delete(id);
  }

  getMembership(id: string): EmulatorMembership | undefined {
    const membership = this.memberships.get(id);
    return membership && structuredClone(membership);
  }

  requireMembership(id: string): EmulatorMembership {
    const membership = this.memberships.get(id);
    if (!membership) throw notFound('Organization membership', id);
    return structuredClone(membership);
  }

  /** The user's active membership in an organization, if any. */
  activeMembership(userId: string, organizationId: string): EmulatorMembership | undefined {
    return this.listMemberships({ userId, organizationId, statuses: ['active'] })[0];
  }

  listMemberships(filter: MembershipFilter): EmulatorMembership[] {
    return [...this.memberships.values()]
      .filter(
        (m) =>
          (filter.userId === undefined || m.userId === filter.userId) &&
          (filter.organizationId === undefined || m.organizationId === filter.organizationId) &&
          filter.statuses.includes(m.status),
      )
      .map((m) => structuredClone(m));
  }

  private assertEmailFree(email: string): void {
    const takenBy = this.userIdsByEmail.get(email.toLowerCase());
    if (takenBy !== undefined) throw conflict(`The email '${email}' is already used by '${takenBy}'.`, 'email_not_available');
  }
}

/** WorkOS derives `name` from first and last name. */
function withName(user: EmulatorUser): EmulatorUser {
  const name = [user.firstName, user.lastName].filter((part) => part).join(' ');
  return { ...user, name: name === '' ? null : name };
}

/** Primary role + full role list: `role` defaults to `roles[0]`, and is always part of `roles`. */
function normalizeRoles(role: string | undefined, roles: readonly string[] | undefined): { role: string; roles: string[] } {
  const primary = role ?? roles?.[0] ?? 'member';
  const all = roles ? [...new Set(roles)] : [primary];
  if (!all.includes(primary)) all.unshift(primary);
  return { role: primary, roles: all };
}

function assertStatus(status: string): MembershipStatus {
  if (!(STATUSES as readonly string[]).includes(status)) {
    throw unprocessable(`Membership status must be one of ${STATUSES.join(', ')}; got '${status}'.`);
  }
  return status as MembershipStatus;
}

/** The entries of `patch` that are not `undefined` (so a patch never erases a field by omission). */
function definedOnly<T extends Record<string, unknown>>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Parses the `statuses` query parameter (comma-separated); default: active only, like WorkOS. */
export function parseStatuses(raw: string | null): MembershipStatus[] {
  if (raw === null || raw === '') return ['active'];
  return raw.split(',').map((status) => assertStatus(status.trim()));
}
