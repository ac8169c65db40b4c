/**
 * `iss` must be one of the allowed issuers, matched exactly (no prefix, no case folding, no
 * trailing-slash leniency); `aud` is checked when `audience` is configured. Tokens are signed by
 * the real WorkOS key, so only the claim check stands in the way: one cold JWKS fetch, no user lookup.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { expectAccepted, expectRejected, makeProvider, startEmulator } from './helpers';
import type { AuthFailureCode, MastraAuthWorkosOptions } from '../../src';

let emu: WorkOSEmulator;
let userId: string;

beforeAll(async () => {
  emu = await startEmulator();
  userId = emu.createUser({ email: 'iss@acme.test' }).id;
});

afterAll(async () => {
  await emu?.stop();
});

async function rejects(claims: Record<string, unknown>, reason: AuthFailureCode, options: MastraAuthWorkosOptions = {}) {
  const token = await emu.mintAccessToken({ sub: userId, ...claims });
  await expectRejected(emu, makeProvider(emu, options), token, { jwks: 1, reason });
}

async function accepts(claims: Record<string, unknown>, options: MastraAuthWorkosOptions = {}) {
  const token = await emu.mintAccessToken({ sub: userId, ...claims });
  await expectAccepted(emu, makeProvider(emu, options), token, userId, { jwks: 1, getUser: 1 });
}

describe('default issuers (the two WorkOS forms for the configured host)', () => {
  it('<base>/user_management/<clientId> → accepted', async () => {
    await accepts({ iss: emu.issuer });
  });

  it('the API base URL (older environments) → accepted', async () => {
    await accepts({ iss: emu.baseUrl });
  });

  it.each<[string, () => unknown]>([
    ['missing', () => undefined],
    ['empty', () => ''],
    ['production WorkOS (another environment)', () => 'https://api.workos.com'],
    ['production WorkOS, same client path', () => `https://api.workos.com/user_management/${emu.clientId}`],
    ['another client id', () => `${emu.baseUrl}/user_management/client_other`],
    ['an attacker origin with the same path', () => `https://evil.test/user_management/${emu.clientId}`],
    ['trailing slash', () => `${emu.issuer}/`],
    ['trailing slash on the base URL', () => `${emu.baseUrl}/`],
    ['upper-case', () => emu.issuer.toUpperCase()],
    ['upper-case scheme', () => emu.issuer.replace('http://', 'HTTP://')],
    ['client id in another case', () => emu.issuer.replace(emu.clientId, emu.clientId.toUpperCase())],
    ['https instead of http', () => emu.issuer.replace('http://', 'https://')],
    ['localhost instead of 127.0.0.1', () => emu.issuer.replace('127.0.0.1', 'localhost')],
    ['prefix (path truncated)', () => `${emu.baseUrl}/user_management`],
    ['prefix (client id truncated)', () => emu.issuer.slice(0, -1)],
    ['suffix (extra characters)', () => `${emu.issuer}x`],
    ['suffix (extra path)', () => `${emu.issuer}/extra`],
    ['suffix (query)', () => `${emu.issuer}?x=1`],
    ['suffix (fragment)', () => `${emu.issuer}#x`],
    ['host suffix look-alike', () => emu.issuer.replace(`:${emu.port}`, `:${emu.port}.evil.test`)],
    ['userinfo look-alike', () => `http://127.0.0.1:${emu.port}@evil.test/user_management/${emu.clientId}`],
    ['leading space', () => ` ${emu.issuer}`],
    ['trailing NUL', () => `${emu.issuer}\u0000`],
    ['percent-encoded path', () => emu.issuer.replace('user_management', 'user%5Fmanagement')],
    ['array holding the right issuer', () => [emu.issuer]],
    ['number', () => 42],
    ['object', () => ({ href: emu.issuer })],
  ])('iss %s → issuer_mismatch', async (_name, iss) => {
    await rejects({ iss: iss() }, 'issuer_mismatch');
  });
});

describe('issuer option (custom auth domain)', () => {
  const issuer = 'https://auth.example.test';

  it('the configured issuer → accepted', async () => {
    await accepts({ iss: issuer }, { issuer });
  });

  it('either of a configured list → accepted', async () => {
    await accepts({ iss: 'https://auth2.example.test' }, { issuer: [issuer, 'https://auth2.example.test'] });
  });

  it.each<[string, () => string]>([
    ['the default WorkOS issuer (replaced by the option)', () => emu.issuer],
    ['the API base URL (replaced by the option)', () => emu.baseUrl],
    ['trailing slash', () => `${issuer}/`],
    ['different case', () => 'https://Auth.Example.Test'],
    ['prefix', () => 'https://auth.example.tes'],
    ['suffix', () => `${issuer}.evil.test`],
    ['subdomain', () => 'https://evil.auth.example.test'],
  ])('%s → issuer_mismatch', async (_name, iss) => {
    await rejects({ iss: iss() }, 'issuer_mismatch', { issuer });
  });
});

describe('audience', () => {
  it('not configured: a token that names an audience is refused (minted for another API) → audience_mismatch', async () => {
    await rejects({ aud: 'https://some-other-api.test' }, 'audience_mismatch');
  });

  it('not configured: a token without aud (WorkOS user-management tokens) → accepted', async () => {
    await accepts({});
  });

  describe('configured', () => {
    const audience = 'api://mastra';

    it('matching aud string → accepted', async () => {
      await accepts({ aud: audience }, { audience });
    });

    it('aud array containing it → accepted', async () => {
      await accepts({ aud: ['api://other', audience] }, { audience });
    });

    it('one of several configured audiences → accepted', async () => {
      await accepts({ aud: 'api://second' }, { audience: [audience, 'api://second'] });
    });

    it.each<[string, unknown]>([
      ['missing', undefined],
      ['another audience', 'api://other'],
      ['upper-case', 'API://MASTRA'],
      ['trailing slash', 'api://mastra/'],
      ['prefix', 'api://mastr'],
      ['suffix', 'api://mastra2'],
      ['empty string', ''],
      ['empty array', []],
      ['array without it', ['api://a', 'api://b']],
      ['number', 1],
      ['object', { aud: 'api://mastra' }],
    ])('aud %s → audience_mismatch', async (_name, aud) => {
      await rejects({ aud }, 'audience_mismatch', { audience });
    });
  });
});
