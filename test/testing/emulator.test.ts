/**
 * The emulator itself (src/testing/emulator.ts): addresses, connection options, credentials, and
 * its lifecycle (`stop()`, `reset()`).
 */
import { WorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import { startWorkOSEmulator, WorkOSEmulator } from '../../src/testing';
import { useEmulator, verify } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  let workos!: WorkOS;
  useEmulator((started) => ({ emu, workos } = started));

  describe('addresses and options', () => {
    it('exposes consistent URLs, connection options and env', () => {
      expect(emu.baseUrl).toBe(`http://127.0.0.1:${emu.port}`);
      expect(emu.port).toBeGreaterThan(0);
      expect(emu.issuer).toBe(`${emu.baseUrl}/user_management/client_emulator`);
      expect(emu.jwksUrl).toBe(`${emu.baseUrl}/sso/jwks/client_emulator`);
      expect(workos.userManagement.getJwksUrl(emu.clientId)).toBe(emu.jwksUrl);
      expect(emu.connection).toEqual({
        apiKey: 'sk_test_emulator',
        clientId: 'client_emulator',
        apiHostname: '127.0.0.1',
        port: emu.port,
        https: false,
      });
      expect(emu.env()).toEqual({
        WORKOS_API_KEY: 'sk_test_emulator',
        WORKOS_CLIENT_ID: 'client_emulator',
        WORKOS_API_HOSTNAME: '127.0.0.1',
        WORKOS_API_PORT: String(emu.port),
        WORKOS_API_HTTPS: 'false',
      });
    });

    it('refuses non-loopback hosts and invalid options', async () => {
      await expect(startWorkOSEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
      await expect(WorkOSEmulator.start({ host: 'example.com' })).rejects.toThrow(/loopback/);
      await expect(startWorkOSEmulator({ port: 70_000 })).rejects.toThrow(/port/);
    });

    it('honours custom credentials', async () => {
      const custom = await WorkOSEmulator.start({ apiKey: 'sk_test_custom', clientId: 'client_custom', tokenTtlSeconds: 60 });
      try {
        const client = custom.createWorkOSClient();
        const user = custom.createUser({ email: 'x@custom.test' });
        await expect(client.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });
        const token = await custom.mintAccessToken({ sub: user.id });
        const { payload } = await verify(custom, token);
        expect(payload.exp! - payload.iat!).toBe(60);
        expect(custom.jwksUrl).toMatch(/\/sso\/jwks\/client_custom$/);
      } finally {
        await custom.stop();
      }
    });
  });
});

describe('WorkOS emulator lifecycle', () => {
  it('stop() closes the server even with a hung request, and is idempotent', async () => {
    const emu = await startWorkOSEmulator();
    try {
      const user = emu.createUser({ email: 'h@x.test' });
      const workos = new WorkOS(emu.apiKey, { ...emu.connection, maxRetries: 0, timeout: 60_000 });
      emu.injectFault('getUser', { hang: true });
      const pending = workos.userManagement.getUser(user.id).then(
        () => 'resolved',
        () => 'rejected',
      );
      await expect.poll(() => emu.callCount('getUser')).toBe(1);
      expect(emu.calls[0]!.status).toBe(0);

      const started = Date.now();
      await emu.stop();
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(pending).resolves.toBe('rejected');
      await emu.stop();
      await expect(fetch(emu.jwksUrl)).rejects.toThrow();
    } finally {
      await emu.stop();
    }
  });

  it('stop() also cancels delayed requests and idle keep-alive connections', async () => {
    const emu = await startWorkOSEmulator();
    try {
      await fetch(emu.jwksUrl); // leaves a keep-alive socket
      emu.injectFault('jwks', { delayMs: 30_000 });
      const pending = fetch(emu.jwksUrl).then(
        () => 'resolved',
        () => 'rejected',
      );
      await expect.poll(() => emu.callCount('jwks')).toBe(2);
      const started = Date.now();
      await emu.stop();
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(pending).resolves.toBe('rejected');
    } finally {
      await emu.stop();
    }
  });

  it('reset() clears data but keeps the signing keys', async () => {
    const emu = await startWorkOSEmulator();
    try {
      const kid = emu.currentKid;
      const user = emu.createUser({ email: 'r@x.test' });
      emu.injectFault('getUser', { status: 500 });
      emu.reset();
      expect(emu.getUser(user.id)).toBeUndefined();
      expect(emu.currentKid).toBe(kid);
      const again = emu.createUser({ email: 'r@x.test' });
      await expect(emu.createWorkOSClient().userManagement.getUser(again.id)).resolves.toMatchObject({ id: again.id });
    } finally {
      await emu.stop();
    }
  });
});
