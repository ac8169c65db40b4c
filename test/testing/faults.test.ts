/**
 * Fault injection (src/testing/faults.ts): status codes, Retry-After, custom bodies, queued and
 * limited faults, delays, and clearing them.
 */
import { GenericServerException, RateLimitExceededException, type WorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { useEmulator } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  let workos!: WorkOS;
  useEmulator((started) => ({ emu, workos } = started));

  describe('fault injection', () => {
    it('429 with Retry-After surfaces as RateLimitExceededException; times limits the fault', async () => {
      const user = emu.createUser({ email: 'f@x.test' });
      emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '7' }, times: 1 });

      const error = await workos.userManagement.getUser(user.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitExceededException);
      expect(error).toMatchObject({ status: 429, retryAfter: 7 });

      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });
      expect(emu.calls.map((c) => c.status)).toEqual([429, 200]);
    });

    it('5xx faults, custom bodies, queued faults and clearFaults', async () => {
      const user = emu.createUser({ email: 'g@x.test' });
      emu.injectFault('getUser', { status: 503, times: 1 });
      emu.injectFault('getUser', { status: 404, body: { code: 'entity_not_found', message: 'gone' }, times: 1 });
      emu.injectFault('getUser', { status: 500 });

      await expect(workos.userManagement.getUser(user.id)).rejects.toSatisfy(
        (e: unknown) => e instanceof GenericServerException && e.status === 503,
      );
      await expect(workos.userManagement.getUser(user.id)).rejects.toMatchObject({ status: 404, message: 'gone' });
      await expect(workos.userManagement.getUser(user.id)).rejects.toMatchObject({ status: 500 });
      await expect(workos.userManagement.getUser(user.id)).rejects.toMatchObject({ status: 500 });
      emu.clearFaults('getUser');
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });

      emu.injectFault('getOrganization', { status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' });
      const raw = await fetch(`${emu.baseUrl}/organizations/org_x`, { headers: { Authorization: `Bearer ${emu.apiKey}` } });
      expect(raw.status).toBe(502);
      expect(raw.headers.get('content-type')).toBe('text/html');
      expect(await raw.text()).toBe('<html>Bad gateway</html>');
      emu.clearFaults();
      expect(() => emu.injectFault('getUser', {})).toThrow(/at least one/);
    });

    it('delayMs delays and then answers normally', async () => {
      const user = emu.createUser({ email: 'd@x.test' });
      emu.injectFault('getUser', { delayMs: 150, times: 1 });
      const started = Date.now();
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);

      emu.injectFault('jwks', { delayMs: 50, status: 503, times: 1 });
      expect((await fetch(emu.jwksUrl)).status).toBe(503);
      expect((await fetch(emu.jwksUrl)).status).toBe(200);
    });
  });
});
