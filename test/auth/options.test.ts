import { WorkOS } from '@workos-inc/node';
import { afterEach, describe, expect, it } from 'vitest';
import { MastraAuthWorkos, WorkOSConfigError } from '../../src';

const ENV_KEYS = ['WORKOS_API_KEY', 'WORKOS_CLIENT_ID', 'WORKOS_REDIRECT_URI', 'WORKOS_API_HOSTNAME', 'WORKOS_API_PORT', 'WORKOS_API_HTTPS'];
const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

function clearEnv() {
  for (const key of ENV_KEYS) delete process.env[key];
}

describe('MastraAuthWorkos construction', () => {
  it('names both options and both env vars when credentials are missing', () => {
    clearEnv();
    let error: unknown;
    try {
      new MastraAuthWorkos();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(WorkOSConfigError);
    const message = (error as Error).message;
    for (const word of ['apiKey', 'clientId', 'WORKOS_API_KEY', 'WORKOS_CLIENT_ID']) expect(message).toContain(word);
  });

  it('rejects a missing clientId even with an apiKey', () => {
    clearEnv();
    expect(() => new MastraAuthWorkos({ apiKey: 'sk_test_x' })).toThrow(/clientId.*WORKOS_CLIENT_ID/s);
  });

  it('reads apiKey, clientId and redirectUri from the environment', () => {
    clearEnv();
    process.env.WORKOS_API_KEY = 'sk_test_env';
    process.env.WORKOS_CLIENT_ID = 'client_env';
    process.env.WORKOS_REDIRECT_URI = 'http://127.0.0.1:4111/callback';
    const auth = new MastraAuthWorkos();
    expect(auth.getClientId()).toBe('client_env');
    expect(auth.getRedirectUri()).toBe('http://127.0.0.1:4111/callback');
    expect(auth.getWorkOS().key).toBe('sk_test_env');
  });

  it('prefers options over the environment', () => {
    process.env.WORKOS_API_KEY = 'sk_test_env';
    process.env.WORKOS_CLIENT_ID = 'client_env';
    const auth = new MastraAuthWorkos({ apiKey: 'sk_test_opt', clientId: 'client_opt', redirectUri: 'http://127.0.0.1/cb' });
    expect(auth.getClientId()).toBe('client_opt');
    expect(auth.getWorkOS().key).toBe('sk_test_opt');
    expect(auth.getRedirectUri()).toBe('http://127.0.0.1/cb');
  });

  it('defaults name to workos and accepts a custom name', () => {
    clearEnv();
    expect(new MastraAuthWorkos({ apiKey: 'k', clientId: 'c' }).name).toBe('workos');
    expect(new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', name: 'corp-sso' }).name).toBe('corp-sso');
  });

  it('points the SDK and the JWKS URL at apiHostname, port and https', () => {
    clearEnv();
    const auth = new MastraAuthWorkos({ apiKey: 'k', clientId: 'client_1', apiHostname: '127.0.0.1', port: 8123, https: false });
    expect(auth.getWorkOS().userManagement.getJwksUrl('client_1')).toBe('http://127.0.0.1:8123/sso/jwks/client_1');
  });

  it('reads the connection from WORKOS_API_HOSTNAME, WORKOS_API_PORT and WORKOS_API_HTTPS', () => {
    clearEnv();
    process.env.WORKOS_API_HOSTNAME = '127.0.0.1';
    process.env.WORKOS_API_PORT = '9321';
    process.env.WORKOS_API_HTTPS = 'false';
    const auth = new MastraAuthWorkos({ apiKey: 'k', clientId: 'client_1' });
    expect(auth.getWorkOS().userManagement.getJwksUrl('client_1')).toBe('http://127.0.0.1:9321/sso/jwks/client_1');
  });

  it('names the option and env var for a bad port or https value', () => {
    clearEnv();
    process.env.WORKOS_API_PORT = 'eighty';
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c' })).toThrow(/port.*WORKOS_API_PORT/s);
    clearEnv();
    process.env.WORKOS_API_HTTPS = 'maybe';
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c' })).toThrow(/WORKOS_API_HTTPS.*https/s);
  });

  it('adopts a ready workos client', () => {
    clearEnv();
    const workos = new WorkOS('sk_test_ready', { apiHostname: '127.0.0.1', port: 7001, https: false });
    const auth = new MastraAuthWorkos({ apiKey: 'sk_test_ready', clientId: 'client_r', workos });
    expect(auth.getWorkOS()).toBe(workos);
  });

  it('refuses none, HMAC and unknown algorithms', () => {
    for (const algorithms of [['none'], ['HS256'], ['RS256', 'HS512'], [], ['rs256']]) {
      expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', algorithms })).toThrow(/algorithms/);
    }
  });

  it('caps cache.ttlMs at the access-token lifetime and validates sizes', () => {
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', cache: { ttlMs: 300_001 } })).toThrow(/cache\.ttlMs/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', cache: { maxSize: 0 } })).toThrow(/cache\.maxSize/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', cache: { maxSize: 1.5 } })).toThrow(/cache\.maxSize/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', cache: false })).not.toThrow();
  });

  it('validates numeric token and timeout options by name', () => {
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', clockTolerance: -1 })).toThrow(/clockTolerance/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', maxTokenLength: 0 })).toThrow(/maxTokenLength/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', requestTimeoutMs: Number.NaN })).toThrow(/requestTimeoutMs/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', jwks: { timeoutMs: -5 } })).toThrow(/jwks\.timeoutMs/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', issuer: [] })).toThrow(/issuer/);
    expect(() => new MastraAuthWorkos({ apiKey: 'k', clientId: 'c', audience: '' })).toThrow(/audience/);
  });

  it('passes public, protected, authorizeUser and mapUserToResourceId to the Mastra base class', async () => {
    const authorizeUser = () => false;
    const auth = new MastraAuthWorkos({
      apiKey: 'k',
      clientId: 'c',
      public: ['/api/health'],
      protected: ['/api/private/*'],
      authorizeUser,
      mapUserToResourceId: (user) => `tenant:${user.id}`,
    });
    expect(auth.public).toEqual(['/api/health']);
    expect(auth.protected).toEqual(['/api/private/*']);
    expect(await auth.authorizeUser({ id: 'u', workosId: 'u' }, new Request('http://127.0.0.1/'))).toBe(false);
    expect(auth.mapUserToResourceId?.({ id: 'user_1', workosId: 'user_1' })).toBe('tenant:user_1');
  });
});
