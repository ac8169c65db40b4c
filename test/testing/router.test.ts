/**
 * HTTP basics (src/testing/router.ts, http-io.ts): the API-key check on every API route, unknown
 * paths, and the call log every request lands in.
 */
import { UnauthorizedException, WorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { useEmulator } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  let workos!: WorkOS;
  useEmulator((started) => ({ emu, workos } = started));

  describe('API key', () => {
    it('every API route requires the bearer API key (401 JSON)', async () => {
      const user = emu.createUser({ email: 'k@x.test' });
      const res = await fetch(`${emu.baseUrl}/user_management/users/${user.id}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });

      const wrongKey = new WorkOS('sk_test_wrong', { ...emu.connection, maxRetries: 0 });
      await expect(wrongKey.userManagement.getUser(user.id)).rejects.toBeInstanceOf(UnauthorizedException);
      await expect(wrongKey.authorization.listEnvironmentRoles()).rejects.toMatchObject({ status: 401 });
      await expect(
        wrongKey.userManagement.authenticateWithCode({ clientId: emu.clientId, code: 'x' }),
      ).rejects.toBeInstanceOf(UnauthorizedException);

      expect(emu.calls.filter((c) => c.route === 'getUser').map((c) => c.status)).toEqual([401, 401]);
    });
  });

  describe('call counting', () => {
    it('counts every request by route, including unknown paths', async () => {
      const user = emu.createUser({ email: 'c@x.test' });
      await workos.userManagement.getUser(user.id);
      await workos.userManagement.getUser(user.id);
      await workos.userManagement.getUser('user_missing').catch(() => undefined);
      const unknown = await fetch(`${emu.baseUrl}/nope?x=1`, { headers: { Authorization: `Bearer ${emu.apiKey}` } });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'not_found' });

      expect(emu.callCount('getUser')).toBe(3);
      expect(emu.callCount('unknown')).toBe(1);
      expect(emu.callCount('jwks')).toBe(0);
      expect(emu.callCount()).toBe(4);
      expect(emu.calls[0]).toMatchObject({ route: 'getUser', method: 'GET', path: `/user_management/users/${user.id}`, status: 200 });
      expect(emu.calls[3]).toMatchObject({ route: 'unknown', path: '/nope', status: 404 });
      expect(emu.calls[0]!.at).toBeLessThanOrEqual(Date.now());

      emu.resetCalls();
      expect(emu.callCount()).toBe(0);
    });
  });
});
