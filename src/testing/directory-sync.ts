/**
 * Directory Sync data of the emulator: directories, their users and groups, and the snake_case
 * JSON WorkOS sends for them (API responses and `dsync.*` webhook payloads alike).
 */
import { conflict, notFound, unprocessable } from './errors';
import { newId, timestamp } from './ids';
import type { CreationOrder } from './pagination';
import type {
  CreateDirectoryGroupInput,
  CreateDirectoryInput,
  CreateDirectoryUserInput,
  EmulatorDirectory,
  EmulatorDirectoryGroup,
  EmulatorDirectoryUser,
  UpdateDirectoryUserInput,
} from './types';

type Wire = Record<string, unknown>;

export class DirectorySyncModel {
  private readonly directories = new Map<string, EmulatorDirectory>();
  private readonly users = new Map<string, EmulatorDirectoryUser>();
  private readonly groups = new Map<string, EmulatorDirectoryGroup>();

  constructor(
    private readonly order: CreationOrder,
    private readonly organizationExists: (id: string) => boolean,
  ) {}

  clear(): void {
    this.directories.clear();
    this.users.clear();
    this.groups.clear();
  }

  // ---- directories ----

  createDirectory(input: CreateDirectoryInput): EmulatorDirectory {
    const id = input.id ?? newId('directory');
    if (this.directories.has(id)) throw conflict(`A directory with id '${id}' already exists.`);
    if (!this.organizationExists(input.organizationId)) throw notFound('Organization', input.organizationId);
    const now = timestamp();
    const directory: EmulatorDirectory = {
      object: 'directory',
      id,
      domain: input.domain ?? '',
      externalKey: newId('key'),
      name: input.name ?? 'Directory',
      organizationId: input.organizationId,
      state: 'active',
      type: input.type ?? 'generic scim v2.0',
      createdAt: now,
      updatedAt: now,
    };
    this.directories.set(id, directory);
    this.order.register(id);
    return structuredClone(directory);
  }

  requireDirectory(id: string): EmulatorDirectory {
    const directory = this.directories.get(id);
    if (!directory) throw notFound('Directory', id);
    return structuredClone(directory);
  }

  listDirectories(organizationId: string | undefined): EmulatorDirectory[] {
    return [...this.directories.values()]
      .filter((directory) => organizationId === undefined || directory.organizationId === organizationId)
      .map((directory) => structuredClone(directory));
  }

  // ---- groups ----

  createGroup(input: CreateDirectoryGroupInput): EmulatorDirectoryGroup {
    const directory = this.requireDirectory(input.directoryId);
    const id = input.id ?? newId('directory_group');
    if (this.groups.has(id)) throw conflict(`A directory group with id '${id}' already exists.`);
    const now = timestamp();
    const group: EmulatorDirectoryGroup = {
      id,
      idpId: input.idpId ?? newId('idp'),
      directoryId: directory.id,
      organizationId: directory.organizationId,
      name: input.name,
      createdAt: now,
      updatedAt: now,
      rawAttributes: { ...input.rawAttributes },
    };
    this.groups.set(id, group);
    this.order.register(id);
    return structuredClone(group);
  }

  requireGroup(id: string): EmulatorDirectoryGroup {
    const group = this.groups.get(id);
    if (!group) throw notFound('Directory group', id);
    return structuredClone(group);
  }

  deleteGroup(id: string): EmulatorDirectoryGroup {
    const group = this.requireGroup(id);
    this.groups.delete(id);
    for (const user of this.users.values()) user.groupIds = user.groupIds.filter((groupId) => groupId !== id);
    return group;
  }

  listGroups(filter: { directoryId?: string; userId?: string }): EmulatorDirectoryGroup[] {
    const memberOf = filter.userId === undefined ? undefined : new Set(this.requireUser(filter.userId).groupIds);
    return [...this.groups.values()]
      .filter((group) => (filter.directoryId === undefined || group.directoryId === filter.directoryId) && (!memberOf || memberOf.has(group.id)))
      .map((group) => structuredClone(group));
  }

  // ---- users ----

  createUser(input: CreateDirectoryUserInput): EmulatorDirectoryUser {
    const directory = this.requireDirectory(input.directoryId);
    const id = input.id ?? newId('directory_user');
    if (this.users.has(id)) throw conflict(`A directory user with id '${id}' already exists.`);
    for (const groupId of input.groupIds ?? []) this.assertGroupIn(groupId, directory.id);
    const now = timestamp();
    const user: EmulatorDirectoryUser = {
      object: 'directory_user',
      id,
      directoryId: directory.id,
      organizationId: directory.organizationId,
      idpId: input.idpId ?? newId('idp'),
      email: input.email,
      emails: input.emails ?? [{ primary: true, type: 'work', value: input.email }],
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      jobTitle: input.jobTitle ?? null,
      username: input.username ?? input.email,
      state: input.state ?? 'active',
      groupIds: [...new Set(input.groupIds ?? [])],
      rawAttributes: { ...input.rawAttributes },
      customAttributes: { ...input.customAttributes },
      createdAt: now,
      updatedAt: now,
    };
    this.users.set(id, user);
    this.order.register(id);
    return structuredClone(user);
  }

  updateUser(id: string, patch: UpdateDirectoryUserInput): EmulatorDirectoryUser {
    const current = this.requireUser(id);
    for (const groupId of patch.groupIds ?? []) this.assertGroupIn(groupId, current.directoryId);
    const next: EmulatorDirectoryUser = {
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
      ...(patch.groupIds !== undefined && { groupIds: [...new Set(patch.groupIds)] }),
      updatedAt: timestamp(),
    };
    this.users.set(id, next);
    return structuredClone(next);
  }

  deleteUser(id: string): EmulatorDirectoryUser {
    const user = this.requireUser(id);
    this.users.delete(id);
    return user;
  }

  requireUser(id: string): EmulatorDirectoryUser {
    const user = this.users.get(id);
    if (!user) throw notFound('Directory user', id);
    return structuredClone(user);
  }

  listUsers(filter: { directoryId?: string; groupId?: string }): EmulatorDirectoryUser[] {
    return [...this.users.values()]
      .filter(
        (user) =>
          (filter.directoryId === undefined || user.directoryId === filter.directoryId) &&
          (filter.groupId === undefined || user.groupIds.includes(filter.groupId)),
      )
      .map((user) => structuredClone(user));
  }

  private assertGroupIn(groupId: string, directoryId: string): void {
    const group = this.groups.get(groupId);
    if (!group || group.directoryId !== directoryId) throw unprocessable(`Group '${groupId}' is not a group of directory '${directoryId}'.`);
  }

  // ---- wire JSON ----

  /** `state` on the wire is `linked` / `unlinked` (the SDK maps it to `active` / `inactive`). */
  toWireDirectory(directory: EmulatorDirectory): Wire {
    return {
      object: 'directory',
      id: directory.id,
      domain: directory.domain,
      external_key: directory.externalKey,
      name: directory.name,
      organization_id: directory.organizationId,
      state: directory.state === 'active' ? 'linked' : directory.state === 'inactive' ? 'unlinked' : directory.state,
      type: directory.type,
      created_at: directory.createdAt,
      updated_at: directory.updatedAt,
    };
  }

  toWireGroup(group: EmulatorDirectoryGroup): Wire {
    return {
      object: 'directory_group',
      id: group.id,
      idp_id: group.idpId,
      directory_id: group.directoryId,
      organization_id: group.organizationId,
      name: group.name,
      created_at: group.createdAt,
      updated_at: group.updatedAt,
      raw_attributes: group.rawAttributes,
    };
  }

  /** A directory user with `groups[]`, `emails[]`, `username` and `job_title`, as WorkOS sends it. */
  toWireUser(user: EmulatorDirectoryUser): Wire {
    return {
      object: 'directory_user',
      id: user.id,
      directory_id: user.directoryId,
      organization_id: user.organizationId,
      idp_id: user.idpId,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      emails: user.emails,
      job_title: user.jobTitle,
      username: user.username,
      state: user.state,
      groups: user.groupIds.flatMap((groupId) => {
        const group = this.groups.get(groupId);
        return group ? [this.toWireGroup(group)] : [];
      }),
      raw_attributes: user.rawAttributes,
      custom_attributes: user.customAttributes,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
    };
  }
}
