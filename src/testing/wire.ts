/**
 * camelCase → snake_case JSON, exactly as the WorkOS API sends it (and as SDK v11 deserializes it).
 */
import type { EmulatorPermission } from './authorization';
import type { Page } from './pagination';
import type {
  EmulatorMembership,
  EmulatorOrganization,
  EmulatorResource,
  EmulatorRole,
  EmulatorRoleAssignment,
  EmulatorUser,
} from './types';

type Wire = Record<string, unknown>;

export function toWireUser(user: EmulatorUser): Wire {
  return {
    object: 'user',
    id: user.id,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    first_name: user.firstName,
    last_name: user.lastName,
    profile_picture_url: user.profilePictureUrl,
    last_sign_in_at: user.lastSignInAt,
    locale: user.locale,
    external_id: user.externalId,
    metadata: user.metadata,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** v11 maps `domains` unconditionally, so it must always be an array. */
export function toWireOrganization(organization: EmulatorOrganization): Wire {
  return {
    object: 'organization',
    id: organization.id,
    name: organization.name,
    allow_profiles_outside_organization: organization.allowProfilesOutsideOrganization,
    domains: organization.domains.map((domain) => ({
      object: 'organization_domain',
      id: domain.id,
      domain: domain.domain,
      organization_id: domain.organizationId,
      state: domain.state,
      verification_strategy: domain.verificationStrategy,
      created_at: domain.createdAt,
      updated_at: domain.updatedAt,
    })),
    external_id: organization.externalId,
    metadata: organization.metadata,
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
  };
}

export function toWireMembership(membership: EmulatorMembership): Wire {
  return {
    object: 'organization_membership',
    id: membership.id,
    user_id: membership.userId,
    organization_id: membership.organizationId,
    organization_name: membership.organizationName,
    status: membership.status,
    role: membership.role,
    roles: membership.roles,
    directory_managed: membership.directoryManaged,
    custom_attributes: membership.customAttributes,
    created_at: membership.createdAt,
    updated_at: membership.updatedAt,
  };
}

export function toWireResource(resource: EmulatorResource): Wire {
  return {
    object: 'authorization_resource',
    id: resource.id,
    external_id: resource.externalId,
    name: resource.name,
    description: resource.description,
    resource_type_slug: resource.resourceTypeSlug,
    organization_id: resource.organizationId,
    parent_resource_id: resource.parentResourceId,
    created_at: resource.createdAt,
    updated_at: resource.updatedAt,
  };
}

/** v11 dereferences `source` and reads `organization_membership_id`: both are required. */
export function toWireRoleAssignment(assignment: EmulatorRoleAssignment): Wire {
  return {
    object: 'role_assignment',
    id: assignment.id,
    organization_membership_id: assignment.organizationMembershipId,
    role: assignment.role,
    resource: {
      id: assignment.resource.id,
      external_id: assignment.resource.externalId,
      resource_type_slug: assignment.resource.resourceTypeSlug,
    },
    source: { type: assignment.source.type, group_role_assignment_id: assignment.source.groupRoleAssignmentId },
    created_at: assignment.createdAt,
    updated_at: assignment.updatedAt,
  };
}

export function toWireRole(role: EmulatorRole): Wire {
  return {
    object: 'role',
    id: role.id,
    name: role.name,
    slug: role.slug,
    description: role.description,
    permissions: role.permissions,
    resource_type_slug: role.resourceTypeSlug,
    type: role.type,
    created_at: role.createdAt,
    updated_at: role.updatedAt,
  };
}

export function toWirePermission(permission: EmulatorPermission): Wire {
  return {
    object: 'permission',
    id: permission.id,
    slug: permission.slug,
    name: permission.name,
    description: permission.description,
    resource_type_slug: permission.resourceTypeSlug,
    system: permission.system,
    created_at: permission.createdAt,
    updated_at: permission.updatedAt,
  };
}

/** A paginated WorkOS list: `{ object: 'list', data, list_metadata: { before, after } }`. */
export function toWireList<T>(page: Page<T>, toWire: (item: T) => Wire): Wire {
  return { object: 'list', data: page.data.map(toWire), list_metadata: page.listMetadata };
}
