/**
 * Directory Sync event data as handlers receive it, mapped from the **snake_case wire JSON** of a
 * delivery (upstream read snake_case keys from data its SDK had already camelCased, so nearly every
 * field arrived `undefined`). camelCase keys are accepted too, for callers that pass an object the
 * SDK already deserialized.
 */

/** A directory user, as the eight handlers receive it (upstream's shape). */
export interface DirectorySyncUserData {
  id: string;
  directoryId: string;
  organizationId?: string;
  idpId: string;
  firstName?: string;
  lastName?: string;
  jobTitle?: string;
  /** Every email of the user; from `emails[]` when WorkOS sends it, else `[{ primary: true, value: email }]`. */
  emails: Array<{ primary: boolean; type?: string; value: string }>;
  username?: string;
  groups: Array<{ id: string; name: string }>;
  state: 'active' | 'inactive';
  rawAttributes: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** A directory group (upstream's shape). */
export interface DirectorySyncGroupData {
  id: string;
  directoryId: string;
  organizationId?: string;
  idpId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  rawAttributes: Record<string, unknown>;
}

/** Argument of `onGroupUserAdded` / `onGroupUserRemoved`. */
export interface DirectorySyncGroupMembershipData {
  group: DirectorySyncGroupData;
  user: DirectorySyncUserData;
}

/** The eight Directory Sync events WorkOS sends. */
export type DirectorySyncEventType =
  | 'dsync.user.created'
  | 'dsync.user.updated'
  | 'dsync.user.deleted'
  | 'dsync.group.created'
  | 'dsync.group.updated'
  | 'dsync.group.deleted'
  | 'dsync.group.user_added'
  | 'dsync.group.user_removed';

/** User handlers; each may be async. A handler that throws makes the delivery fail (see `rethrowHandlerErrors`). */
export interface DirectorySyncHandlers {
  onUserCreated?: (user: DirectorySyncUserData) => void | Promise<void>;
  onUserUpdated?: (user: DirectorySyncUserData) => void | Promise<void>;
  onUserDeleted?: (user: DirectorySyncUserData) => void | Promise<void>;
  onGroupCreated?: (group: DirectorySyncGroupData) => void | Promise<void>;
  onGroupUpdated?: (group: DirectorySyncGroupData) => void | Promise<void>;
  onGroupDeleted?: (group: DirectorySyncGroupData) => void | Promise<void>;
  onGroupUserAdded?: (data: DirectorySyncGroupMembershipData) => void | Promise<void>;
  onGroupUserRemoved?: (data: DirectorySyncGroupMembershipData) => void | Promise<void>;
}

/** Event type → handler name. */
export const DIRECTORY_SYNC_HANDLERS: Readonly<Record<DirectorySyncEventType, keyof DirectorySyncHandlers>> = Object.freeze({
  'dsync.user.created': 'onUserCreated',
  'dsync.user.updated': 'onUserUpdated',
  'dsync.user.deleted': 'onUserDeleted',
  'dsync.group.created': 'onGroupCreated',
  'dsync.group.updated': 'onGroupUpdated',
  'dsync.group.deleted': 'onGroupDeleted',
  'dsync.group.user_added': 'onGroupUserAdded',
  'dsync.group.user_removed': 'onGroupUserRemoved',
});

export function isDirectorySyncEventType(value: unknown): value is DirectorySyncEventType {
  return typeof value === 'string' && Object.hasOwn(DIRECTORY_SYNC_HANDLERS, value);
}

/** A delivery's envelope: `{ id, event, data, created_at }`. */
export interface WebhookEnvelope {
  id: string;
  event: string;
  data: Record<string, unknown>;
  createdAt?: string;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first present key among the snake_case and camelCase spellings. */
function field(data: Json, snake: string, camel?: string): unknown {
  if (data[snake] !== undefined) return data[snake];
  return camel === undefined ? undefined : data[camel];
}

function str(data: Json, snake: string, camel?: string): string | undefined {
  const value = field(data, snake, camel);
  return typeof value === 'string' ? value : undefined;
}

function record(data: Json, snake: string, camel?: string): Json {
  const value = field(data, snake, camel);
  return isRecord(value) ? value : {};
}

/** Envelope of a parsed body, or `undefined` when it is not one (→ 400). */
export function readEnvelope(parsed: unknown): WebhookEnvelope | undefined {
  if (!isRecord(parsed)) return undefined;
  const { id, event, data } = parsed;
  if (typeof id !== 'string' || id === '' || typeof event !== 'string' || event === '' || !isRecord(data)) return undefined;
  const createdAt = str(parsed, 'created_at', 'createdAt');
  return { id, event, data, ...(createdAt !== undefined && { createdAt }) };
}

function mapEmails(data: Json): DirectorySyncUserData['emails'] {
  const raw = data.emails;
  if (Array.isArray(raw)) {
    const emails: DirectorySyncUserData['emails'] = [];
    for (const item of raw) {
      if (!isRecord(item) || typeof item.value !== 'string') continue;
      emails.push({ primary: item.primary === true, ...(typeof item.type === 'string' && { type: item.type }), value: item.value });
    }
    if (emails.length > 0) return emails;
  }
  const email = str(data, 'email');
  return email ? [{ primary: true, value: email }] : [];
}

function mapGroupRefs(data: Json): DirectorySyncUserData['groups'] {
  const raw = data.groups;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).flatMap((group) =>
    typeof group.id === 'string' ? [{ id: group.id, name: typeof group.name === 'string' ? group.name : '' }] : [],
  );
}

export function mapUserData(data: Json): DirectorySyncUserData {
  const organizationId = str(data, 'organization_id', 'organizationId');
  const firstName = str(data, 'first_name', 'firstName');
  const lastName = str(data, 'last_name', 'lastName');
  const jobTitle = str(data, 'job_title', 'jobTitle');
  const username = str(data, 'username');
  return {
    id: str(data, 'id') ?? '',
    directoryId: str(data, 'directory_id', 'directoryId') ?? '',
    ...(organizationId !== undefined && { organizationId }),
    idpId: str(data, 'idp_id', 'idpId') ?? '',
    ...(firstName !== undefined && { firstName }),
    ...(lastName !== undefined && { lastName }),
    ...(jobTitle !== undefined && { jobTitle }),
    emails: mapEmails(data),
    ...(username !== undefined && { username }),
    groups: mapGroupRefs(data),
    state: str(data, 'state') === 'inactive' ? 'inactive' : 'active',
    rawAttributes: record(data, 'raw_attributes', 'rawAttributes'),
    customAttributes: record(data, 'custom_attributes', 'customAttributes'),
    createdAt: str(data, 'created_at', 'createdAt') ?? '',
    updatedAt: str(data, 'updated_at', 'updatedAt') ?? '',
  };
}

export function mapGroupData(data: Json): DirectorySyncGroupData {
  const organizationId = str(data, 'organization_id', 'organizationId');
  return {
    id: str(data, 'id') ?? '',
    directoryId: str(data, 'directory_id', 'directoryId') ?? '',
    ...(organizationId !== undefined && { organizationId }),
    idpId: str(data, 'idp_id', 'idpId') ?? '',
    name: str(data, 'name') ?? '',
    createdAt: str(data, 'created_at', 'createdAt') ?? '',
    updatedAt: str(data, 'updated_at', 'updatedAt') ?? '',
    rawAttributes: record(data, 'raw_attributes', 'rawAttributes'),
  };
}

/** `{ directory_id, user, group }` of `user_added` / `user_removed`. */
export function mapGroupMembershipData(data: Json): DirectorySyncGroupMembershipData {
  const directoryId = str(data, 'directory_id', 'directoryId');
  const withDirectory = (item: Json): Json => (directoryId !== undefined && item.directory_id === undefined && item.directoryId === undefined ? { ...item, directory_id: directoryId } : item);
  return {
    group: mapGroupData(withDirectory(record(data, 'group'))),
    user: mapUserData(withDirectory(record(data, 'user'))),
  };
}
