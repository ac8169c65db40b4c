/**
 * WorkOSDirectorySync against signed deliveries from the emulator's webhook sender, received over
 * real HTTP by `handleRequest` (a Fetch handler on @hono/node-server, as a Mastra route would be).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MastraAuthWorkos,
  MastraRBACWorkos,
  WorkOSConfigError,
  WorkOSDirectorySync,
  WorkOSWebhookHandlerError,
  WorkOSWebhookPayloadError,
  WorkOSWebhookSignatureError,
  computeWebhookSignature,
  type DirectorySyncHandlers,
  type WorkOSDirectorySyncOptions,
} from '../../src';
import { startWorkOSEmulator, type EmulatorDirectory, type EmulatorDirectoryGroup, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

const SECRET = 'whsec_test_directory_sync_0123456789';
const T0 = Date.parse('2030-01-01T00:00:00Z');

let emu: WorkOSEmulator;
let org: { id: string };
let directory: EmulatorDirectory;
let engineers: EmulatorDirectoryGroup;

/** A receiver whose handler can be swapped per test. */
let current: WorkOSDirectorySync;
let http: Server;
let url: string;

/** Calls per handler name, with the argument. */
let calls: Array<{ handler: string; data: unknown }>;

function recordingHandlers(): Required<DirectorySyncHandlers> {
  const record = (handler: string) => (data: unknown) => {
    calls.push({ handler, data });
  };
  return {
    onUserCreated: record('onUserCreated'),
    onUserUpdated: record('onUserUpdated'),
    onUserDeleted: record('onUserDeleted'),
    onGroupCreated: record('onGroupCreated'),
    onGroupUpdated: record('onGroupUpdated'),
    onGroupDeleted: record('onGroupDeleted'),
    onGroupUserAdded: record('onGroupUserAdded'),
    onGroupUserRemoved: record('onGroupUserRemoved'),
  };
}

function receiver(options: Partial<WorkOSDirectorySyncOptions> = {}): WorkOSDirectorySync {
  current = new WorkOSDirectorySync(emu.createWorkOSClient(), {
    webhookSecret: SECRET,
    handlers: recordingHandlers(),
    logger: new CaptureLogger(),
    ...options,
  });
  return current;
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  emu.setWebhookSecret(SECRET);
  org = emu.createOrganization({ name: 'Acme' });
  directory = emu.createDirectory({ organizationId: org.id, name: 'Acme Okta', domain: 'acme.test' });
  engineers = emu.createDirectoryGroup({ directoryId: directory.id, name: 'Engineers', rawAttributes: { displayName: 'Engineers' } });
  http = serve({ fetch: (request) => current.handleRequest(request), port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => (http.listening ? resolve() : http.once('listening', () => resolve())));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/webhooks/workos`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    http?.close(() => resolve());
    http?.closeAllConnections();
  });
  await emu?.stop();
});

beforeEach(() => {
  calls = [];
  receiver();
});

function newDirectoryUser(email: string, extra: Parameters<WorkOSEmulator['createDirectoryUser']>[0] extends infer I ? Partial<I> : never = {}) {
  return emu.createDirectoryUser({ directoryId: directory.id, email, firstName: 'Ada', lastName: 'Lovelace', ...extra });
}

describe('handler data is mapped from the snake_case wire JSON', () => {
  it('a user event fills every field (upstream left nearly all undefined)', async () => {
    const user = newDirectoryUser(`ada.${Date.now()}@acme.test`, {
      jobTitle: 'Engineer',
      username: 'ada',
      emails: [
        { primary: true, type: 'work', value: 'ada@acme.test' },
        { primary: false, type: 'home', value: 'ada@home.test' },
      ],
      groupIds: [engineers.id],
      rawAttributes: { department: 'R&D' },
      customAttributes: { costCenter: '42' },
    });
    const [delivery] = await emu.sendWebhook(url, 'dsync.user.created', emu.directoryEventData('dsync.user.created', { user }));
    expect(delivery?.status).toBe(200);
    expect(JSON.parse(delivery?.responseBody ?? '')).toEqual({ received: true });
    expect(calls).toEqual([
      {
        handler: 'onUserCreated',
        data: {
          id: user.id,
          directoryId: directory.id,
          organizationId: org.id,
          idpId: user.idpId,
          firstName: 'Ada',
          lastName: 'Lovelace',
          jobTitle: 'Engineer',
          emails: [
            { primary: true, type: 'work', value: 'ada@acme.test' },
            { primary: false, type: 'home', value: 'ada@home.test' },
          ],
          username: 'ada',
          groups: [{ id: engineers.id, name: 'Engineers' }],
          state: 'active',
          rawAttributes: { department: 'R&D' },
          customAttributes: { costCenter: '42' },
          createdAt: user.createdAt,
          updatedAt: user.updatedAt,
        },
      },
    ]);
  });

  it('without emails[] the primary email becomes the only entry', async () => {
    const handlers = recordingHandlers();
    receiver({ handlers });
    await current.handleWebhook(
      signedBody({ id: 'event_plain', event: 'dsync.user.updated', data: { id: 'du_1', directory_id: 'd_1', email: 'x@acme.test', state: 'inactive' } }).body,
      signedBody({ id: 'event_plain', event: 'dsync.user.updated', data: { id: 'du_1', directory_id: 'd_1', email: 'x@acme.test', state: 'inactive' } }).header,
    );
    expect(calls[0]?.data).toMatchObject({ id: 'du_1', directoryId: 'd_1', emails: [{ primary: true, value: 'x@acme.test' }], groups: [], state: 'inactive' });
  });

  it('the eight events reach the eight handlers with user, group and { group, user } data', async () => {
    const user = newDirectoryUser(`eight.${Date.now()}@acme.test`);
    const group = emu.createDirectoryGroup({ directoryId: directory.id, name: 'Ops' });
    const events = [
      ['dsync.user.created', 'onUserCreated'],
      ['dsync.user.updated', 'onUserUpdated'],
      ['dsync.user.deleted', 'onUserDeleted'],
      ['dsync.group.created', 'onGroupCreated'],
      ['dsync.group.updated', 'onGroupUpdated'],
      ['dsync.group.deleted', 'onGroupDeleted'],
      ['dsync.group.user_added', 'onGroupUserAdded'],
      ['dsync.group.user_removed', 'onGroupUserRemoved'],
    ] as const;
    for (const [event] of events) {
      const [delivery] = await emu.sendWebhook(url, event, emu.directoryEventData(event, { user, group }));
      expect(delivery?.status).toBe(200);
    }
    expect(calls.map((call) => call.handler)).toEqual(events.map(([, handler]) => handler));
    expect(calls[3]?.data).toEqual({
      id: group.id,
      directoryId: directory.id,
      organizationId: org.id,
      idpId: group.idpId,
      name: 'Ops',
      createdAt: group.createdAt,
      updatedAt: group.updatedAt,
      rawAttributes: {},
    });
    expect(calls[6]?.data).toMatchObject({ group: { id: group.id, name: 'Ops', directoryId: directory.id }, user: { id: user.id, emails: [{ value: user.email }] } });
  });

  it('an unknown event is acknowledged and runs nothing', async () => {
    const [delivery] = await emu.sendWebhook(url, 'connection.activated', { id: 'conn_1' });
    expect(delivery?.status).toBe(200);
    expect(calls).toEqual([]);
  });
});

/** A body and header signed like WorkOS, for direct handleWebhook calls. */
function signedBody(envelope: unknown, at = Date.now(), secret = SECRET): { body: string; header: string } {
  const body = JSON.stringify(envelope);
  return { body, header: `t=${at}, v1=${computeWebhookSignature(secret, at, body)}` };
}

describe('forged, stale and replayed deliveries are refused before any handler runs', () => {
  const cases = [
    ['a wrong secret', { secret: 'whsec_attacker' }],
    ['a stale timestamp (10 min old)', { timestampOffsetMs: -600_000 }],
    ['a future timestamp (10 min ahead)', { timestampOffsetMs: 600_000 }],
    ['a re-serialised body', { reserializeBody: true }],
    ['a tampered body', { tamperBody: (body: string) => body.replace('dsync.user.deleted', 'dsync.user.created') }],
    ['no signature header', { omitSignature: true }],
  ] as const;

  for (const [name, knobs] of cases) {
    it(`${name} → 401`, async () => {
      const user = newDirectoryUser(`forged.${name.length}.${Date.now()}@acme.test`);
      const [delivery] = await emu.sendWebhook(url, 'dsync.user.deleted', emu.directoryEventData('dsync.user.deleted', { user }), knobs);
      expect(delivery?.status).toBe(401);
      expect(JSON.parse(delivery?.responseBody ?? '')).toEqual({ error: 'Invalid webhook signature' });
      expect(calls).toEqual([]);
    });
  }

  it('a refused delivery does not mark its id as seen: the genuine one still runs', async () => {
    const user = newDirectoryUser(`genuine.${Date.now()}@acme.test`);
    const data = emu.directoryEventData('dsync.user.created', { user });
    await emu.sendWebhook(url, 'dsync.user.created', data, { eventId: 'event_forged_first', secret: 'whsec_attacker' });
    const [delivery] = await emu.sendWebhook(url, 'dsync.user.created', data, { eventId: 'event_forged_first' });
    expect(delivery?.status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('the tolerance follows the injected clock, both ways', async () => {
    let now = T0;
    receiver({ clock: { now: () => now }, toleranceMs: 60_000 });
    const { body, header } = signedBody({ id: 'event_clock', event: 'dsync.group.created', data: { id: 'g' } }, T0);
    now = T0 + 60_001;
    await expect(current.handleWebhook(body, header)).rejects.toMatchObject({ reason: 'timestamp_stale' });
    now = T0 - 60_001;
    await expect(current.handleWebhook(body, header)).rejects.toMatchObject({ reason: 'timestamp_future' });
    now = T0 + 59_999;
    await expect(current.handleWebhook(body, header)).resolves.toMatchObject({ status: 'handled' });
    expect(calls).toHaveLength(1);
  });

  it('malformed headers are refused with a reason, never a crash', async () => {
    const { body } = signedBody({ id: 'event_h', event: 'dsync.group.created', data: {} });
    for (const header of ['', 'garbage', 't=abc, v1=00', `t=${Date.now()}`, `t=${Date.now()}, v1=zz`]) {
      await expect(current.handleWebhook(body, header)).rejects.toBeInstanceOf(WorkOSWebhookSignatureError);
    }
    expect(calls).toEqual([]);
  });

  it('the log says why, without the secret or the signature', async () => {
    const logger = new CaptureLogger();
    receiver({ logger });
    const { body, header } = signedBody({ id: 'event_log', event: 'dsync.group.created', data: {} }, Date.now(), 'whsec_other');
    await expect(current.handleWebhook(body, header)).rejects.toMatchObject({ reason: 'signature_mismatch' });
    expect(logger.text).toContain('signature_mismatch');
    expect(logger.text).not.toContain(SECRET);
    expect(logger.text).not.toContain(header.split('v1=')[1]);
  });
});

describe('bad bodies', () => {
  it('signed but not JSON → 400', async () => {
    const at = Date.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'WorkOS-Signature': `t=${at}, v1=${computeWebhookSignature(SECRET, at, '{not json')}` },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(calls).toEqual([]);
  });

  it('signed JSON that is not an event → 400; handleWebhook rejects with WorkOSWebhookPayloadError', async () => {
    const { body, header } = signedBody({ hello: 'world' });
    await expect(current.handleWebhook(body, header)).rejects.toBeInstanceOf(WorkOSWebhookPayloadError);
    const response = await fetch(url, { method: 'POST', headers: { 'WorkOS-Signature': header }, body });
    expect(response.status).toBe(400);
  });

  it('an oversized body → 413 without reading it all into a handler', async () => {
    receiver({ maxBodyBytes: 100 });
    const { body, header } = signedBody({ id: 'event_big', event: 'dsync.group.created', data: { name: 'x'.repeat(500) } });
    const response = await fetch(url, { method: 'POST', headers: { 'WorkOS-Signature': header }, body });
    expect(response.status).toBe(413);
    expect(calls).toEqual([]);
  });

  it('accepts an already-parsed object (upstream style) when re-serialising reproduces the bytes', async () => {
    const envelope = { id: 'event_object', event: 'dsync.group.created', data: { id: 'g_obj', name: 'Obj' } };
    const { header } = signedBody(envelope);
    await expect(current.handleWebhook(envelope, header)).resolves.toMatchObject({ status: 'handled' });
    expect(calls[0]).toMatchObject({ handler: 'onGroupCreated', data: { id: 'g_obj', name: 'Obj' } });
  });
});

describe('at-least-once delivery', () => {
  it('a duplicate delivery (same event id) runs the handler once; both are acknowledged', async () => {
    const user = newDirectoryUser(`dup.${Date.now()}@acme.test`);
    const deliveries = await emu.sendWebhook(url, 'dsync.user.created', emu.directoryEventData('dsync.user.created', { user }), { duplicate: true });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
    expect(calls).toHaveLength(1);
  });

  it('concurrent copies of one event run the handler once', async () => {
    const { body, header } = signedBody({ id: 'event_concurrent', event: 'dsync.group.created', data: { id: 'g' } });
    const outcomes = await Promise.all([current.handleWebhook(body, header), current.handleWebhook(body, header)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['duplicate', 'handled']);
    expect(calls).toHaveLength(1);
  });

  it('a handler that throws → 500 (WorkOS retries), and the retry runs it again', async () => {
    let failures = 1;
    receiver({
      handlers: {
        onUserDeleted: (user) => {
          calls.push({ handler: 'onUserDeleted', data: user });
          if (failures-- > 0) throw new Error('database down');
        },
      },
    });
    const user = newDirectoryUser(`retry.${Date.now()}@acme.test`);
    const data = emu.directoryEventData('dsync.user.deleted', { user });
    const [first] = await emu.sendWebhook(url, 'dsync.user.deleted', data, { eventId: 'event_retry' });
    const [retry] = await emu.sendWebhook(url, 'dsync.user.deleted', data, { eventId: 'event_retry' });
    const [third] = await emu.sendWebhook(url, 'dsync.user.deleted', data, { eventId: 'event_retry' });
    expect([first?.status, retry?.status, third?.status]).toEqual([500, 200, 200]);
    expect(calls).toHaveLength(2); // the failed run and the successful retry; the third is a duplicate
  });

  it('handleWebhook rejects with WorkOSWebhookHandlerError naming the handler and the event', async () => {
    receiver({ handlers: { onGroupCreated: () => Promise.reject(new Error('nope')) } });
    const { body, header } = signedBody({ id: 'event_reject', event: 'dsync.group.created', data: {} });
    const error = await current.handleWebhook(body, header).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkOSWebhookHandlerError);
    expect(error).toMatchObject({ code: 'webhook_handler_failed', handler: 'onGroupCreated', event: 'dsync.group.created', eventId: 'event_reject' });
  });

  it('rethrowHandlerErrors: false → upstream behaviour: logged, acknowledged (200), not retried', async () => {
    const logger = new CaptureLogger();
    receiver({ rethrowHandlerErrors: false, logger, handlers: { onGroupCreated: () => { throw new Error('ignored'); } } });
    const [delivery] = await emu.sendWebhook(url, 'dsync.group.created', emu.directoryEventData('dsync.group.created', { group: engineers }));
    expect(delivery?.status).toBe(200);
    expect(logger.lines.some((line) => line.level === 'error' && line.message.includes('onGroupCreated threw'))).toBe(true);
  });
});

describe('configuration', () => {
  it('no secret in options or env → WorkOSConfigError naming the option and WORKOS_WEBHOOK_SECRET', () => {
    const saved = process.env.WORKOS_WEBHOOK_SECRET;
    delete process.env.WORKOS_WEBHOOK_SECRET;
    try {
      const build = () => new WorkOSDirectorySync(emu.createWorkOSClient(), { handlers: {} });
      expect(build).toThrow(WorkOSConfigError);
      expect(build).toThrow(/webhookSecret.*WORKOS_WEBHOOK_SECRET/);
    } finally {
      if (saved !== undefined) process.env.WORKOS_WEBHOOK_SECRET = saved;
    }
  });

  it('reads WORKOS_WEBHOOK_SECRET', async () => {
    const saved = process.env.WORKOS_WEBHOOK_SECRET;
    process.env.WORKOS_WEBHOOK_SECRET = SECRET;
    try {
      current = new WorkOSDirectorySync(emu.createWorkOSClient(), { handlers: recordingHandlers(), logger: new CaptureLogger() });
      const [delivery] = await emu.sendWebhook(url, 'dsync.group.created', emu.directoryEventData('dsync.group.created', { group: engineers }));
      expect(delivery?.status).toBe(200);
    } finally {
      if (saved === undefined) delete process.env.WORKOS_WEBHOOK_SECRET;
      else process.env.WORKOS_WEBHOOK_SECRET = saved;
    }
  });

  it('refuses unknown handler names, non-functions and bad invalidate targets', () => {
    const workos = emu.createWorkOSClient();
    expect(() => new WorkOSDirectorySync(workos, { webhookSecret: SECRET, handlers: { onUserRemoved: () => undefined } as never })).toThrow(/onUserRemoved/);
    expect(() => new WorkOSDirectorySync(workos, { webhookSecret: SECRET, handlers: { onUserCreated: 'x' } as never })).toThrow(/handlers.onUserCreated/);
    expect(() => new WorkOSDirectorySync(workos, { webhookSecret: SECRET, handlers: {}, invalidate: [{}] as never })).toThrow(/invalidate\[0\]/);
    expect(() => new WorkOSDirectorySync(workos, { webhookSecret: SECRET, handlers: {}, toleranceMs: -1 })).toThrow(/toleranceMs/);
  });
});

describe('list methods (all pages)', () => {
  it('lists directories, every user (more than one page) and every group', async () => {
    const listOrg = emu.createOrganization({ name: 'Big' });
    const big = emu.createDirectory({ organizationId: listOrg.id, name: 'Big directory' });
    const group = emu.createDirectoryGroup({ directoryId: big.id, name: 'Everyone' });
    for (let index = 0; index < 130; index += 1) emu.createDirectoryUser({ directoryId: big.id, email: `u${index}@big.test`, groupIds: [group.id] });
    emu.resetCalls();

    const sync = receiver();
    const directories = await sync.listDirectories(listOrg.id);
    expect(directories).toMatchObject([{ id: big.id, name: 'Big directory', organizationId: listOrg.id, state: 'active' }]);
    const users = await sync.listDirectoryUsers(big.id);
    expect(users).toHaveLength(130);
    expect(users[0]?.groups).toMatchObject([{ id: group.id, name: 'Everyone' }]);
    expect(emu.callCount('directorySync.listUsers')).toBe(2);
    expect(await sync.listDirectoryGroups(big.id)).toMatchObject([{ id: group.id, name: 'Everyone', directoryId: big.id }]);
  });

  it('an unknown directory rejects with the SDK error (404), not an empty list', async () => {
    await expect(receiver().listDirectoryUsers('directory_missing')).rejects.toMatchObject({ status: 404 });
  });
});

describe('access follows the directory: caches are invalidated', () => {
  const ROLES = { admin: ['*'], member: ['agents:read'], _default: [] };

  async function setup(email: string) {
    const authUser = emu.createUser({ email, firstName: 'Grace' });
    const membership = emu.createMembership({ userId: authUser.id, organizationId: org.id, role: 'admin' });
    const dirUser = emu.createDirectoryUser({ directoryId: directory.id, email: email.toUpperCase(), groupIds: [engineers.id] });
    const auth = new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true, logger: new CaptureLogger() });
    const rbac = new MastraRBACWorkos({ ...emu.connection, roleMapping: ROLES, logger: new CaptureLogger() });
    receiver({ invalidate: [auth, rbac] });
    const token = await emu.mintAccessToken({ sub: authUser.id });
    const user = await auth.authenticateToken(token);
    expect(user?.id).toBe(authUser.id);
    expect(await rbac.getPermissions(user!)).toEqual(['*']);
    return { authUser, membership, dirUser, auth, rbac, token, user: user! };
  }

  it('dsync.user.deleted: the next authentication with the same valid token is refused, no TTL wait', async () => {
    const { dirUser, auth, token, authUser } = await setup(`deleted.${Date.now()}@acme.test`);
    const gone = emu.deleteDirectoryUser(dirUser.id);
    expect(emu.getUser(authUser.id)).toBeUndefined();
    // The cache still vouches for the deleted user until the webhook arrives.
    expect(await auth.authenticateToken(token)).not.toBeNull();
    const [delivery] = await emu.sendWebhook(url, 'dsync.user.deleted', emu.directoryEventData('dsync.user.deleted', { user: gone }));
    expect(delivery?.status).toBe(200);
    expect(await auth.authenticateToken(token)).toBeNull();
  });

  it('dsync.user.updated (inactive): memberships and RBAC permissions are read again', async () => {
    const { dirUser, membership, auth, rbac, token } = await setup(`inactive.${Date.now()}@acme.test`);
    emu.updateMembership(membership.id, { status: 'inactive' });
    const updated = emu.updateDirectoryUser(dirUser.id, { state: 'inactive' });
    const [delivery] = await emu.sendWebhook(url, 'dsync.user.updated', emu.directoryEventData('dsync.user.updated', { user: updated }));
    expect(delivery?.status).toBe(200);
    const after = await auth.authenticateToken(token);
    expect(after?.memberships?.filter((item) => item.status === 'active')).toEqual([]);
    expect(await rbac.getPermissions(after!)).toEqual([]);
  });

  it('dsync.group.user_removed: RBAC drops the permissions the old role gave', async () => {
    const { dirUser, membership, auth, rbac, token, user } = await setup(`removed.${Date.now()}@acme.test`);
    emu.updateMembership(membership.id, { role: 'member' });
    expect(await rbac.getPermissions(user)).toEqual(['*']); // cached
    const updated = emu.updateDirectoryUser(dirUser.id, { groupIds: [] });
    const outcome = await emu.sendWebhook(url, 'dsync.group.user_removed', emu.directoryEventData('dsync.group.user_removed', { user: updated, group: engineers }));
    expect(outcome[0]?.status).toBe(200);
    expect(await rbac.getPermissions((await auth.authenticateToken(token))!)).toEqual(['agents:read']);
  });

  it('an invalidation that throws fails the delivery (500) so WorkOS retries', async () => {
    receiver({
      invalidate: [{ invalidateUser: () => undefined, cachedUserIdsByEmail: () => Promise.reject(new Error('redis down')) }],
    });
    const user = newDirectoryUser(`inv.${Date.now()}@acme.test`);
    const [delivery] = await emu.sendWebhook(url, 'dsync.user.deleted', emu.directoryEventData('dsync.user.deleted', { user }));
    expect(delivery?.status).toBe(500);
    expect(calls).toEqual([]);
  });

  it('events about nobody cached, and group/user.created events, invalidate nothing', async () => {
    const targets: string[] = [];
    receiver({ invalidate: [{ invalidateUser: (id) => void targets.push(id), cachedUserIdsByEmail: () => ['user_x'] }] });
    await emu.sendWebhook(url, 'dsync.group.updated', emu.directoryEventData('dsync.group.updated', { group: engineers }));
    const user = newDirectoryUser(`created.${Date.now()}@acme.test`);
    await emu.sendWebhook(url, 'dsync.user.created', emu.directoryEventData('dsync.user.created', { user }));
    expect(targets).toEqual([]);
    await emu.sendWebhook(url, 'dsync.user.updated', emu.directoryEventData('dsync.user.updated', { user }));
    expect(targets).toEqual(['user_x']);
  });
});
