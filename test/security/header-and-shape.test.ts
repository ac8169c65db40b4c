/**
 * Steps 1–3 of the token checks: header form, size, and shape. Everything here must be rejected
 * before any network traffic: a cold provider, zero JWKS fetches, zero WorkOS API calls.
 */
import { Mastra } from '@mastra/core/mastra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthFailureCode } from '../../src';
import type { WorkOSEmulator } from '../../src/testing';
import { startMastraServer, type RunningMastraServer } from '../helpers/mastra-server';
import {
  API_KEY,
  b64url,
  craft,
  expectAccepted,
  expectNoSecrets,
  expectReason,
  expectRejected,
  goodClaims,
  makeProvider,
  startEmulator,
} from './helpers';

let emu: WorkOSEmulator;
let userId: string;
let valid: string;

beforeAll(async () => {
  emu = await startEmulator();
  userId = emu.createUser({ email: 'shape@acme.test', firstName: 'Shape' }).id;
  valid = await emu.mintAccessToken({ sub: userId });
});

afterAll(async () => {
  await emu?.stop();
});

/** Checks that fail before the network, on a fresh provider: this reason, zero JWKS fetches, zero API calls. */
async function rejectedBeforeNetwork(input: string, reason: AuthFailureCode) {
  const subject = makeProvider(emu);
  await expectRejected(emu, subject, input, { jwks: 0, getUser: 0, reason });
}

describe('authorization header form', () => {
  it.each([
    ['empty', ''],
    ['blank spaces', '   '],
    ['blank tabs and newlines', '\t\r\n '],
    ['bare scheme', 'Bearer'],
    ['bare scheme, lower case', 'bearer'],
    ['scheme with trailing space', 'Bearer '],
    ['scheme with many trailing spaces', 'Bearer      '],
  ])('missing token: %s → token_missing, nothing logged', async (_name, input) => {
    const subject = makeProvider(emu);
    await expectRejected(emu, subject, input, { jwks: 0, reason: 'token_missing' });
    // An anonymous request is routine: not even a debug line.
    expect(subject.logger.lines).toEqual([]);
  });

  it('undefined and null (a direct caller passing nothing) → token_missing', async () => {
    for (const input of [undefined, null]) {
      await rejectedBeforeNetwork(input as unknown as string, 'token_missing');
    }
  });

  it.each([
    ['Basic credentials', () => 'Basic dXNlcjpwYXNzd29yZA=='],
    ['Digest credentials', () => 'Digest username="admin", realm="workos", nonce="abc"'],
    ['Token scheme with a valid JWT', () => `Token ${valid}`],
    ['MAC scheme with a valid JWT', () => `MAC ${valid}`],
    ['DPoP scheme with a valid JWT', () => `DPoP ${valid}`],
    ['two tokens after Bearer', () => `Bearer ${valid} ${valid}`],
    ['Bearer twice', () => `Bearer Bearer ${valid}`],
    ['comma-joined credentials', () => `Bearer ${valid}, Basic dXNlcjpwYXNz`],
    ['no-break space after the scheme', () => `Bearer\u00a0${valid}`],
    ['colon instead of a space', () => `Bearer:${valid}`],
    ['scheme glued to the token', () => `Bearer${valid}`],
    ['token with an inner newline', () => `${valid.slice(0, 30)}\n${valid.slice(30)}`],
  ])('odd scheme or form: %s → token_malformed before the network', async (_name, input) => {
    await rejectedBeforeNetwork(input(), 'token_malformed');
  });

  it('non-string values from a careless caller → token_malformed, never a throw, and not reported as a failure of ours', async () => {
    for (const input of [42, {}, [valid], true]) {
      const subject = makeProvider(emu);
      await expectRejected(emu, subject, input as unknown as string, { jwks: 0, reason: 'token_malformed' });
      // Bad input is the caller's problem: a typed reason, not an error-level "failed unexpectedly".
      expect(subject.logger.reasons()).not.toContain('unexpected');
      expect(subject.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    }
  });

  it.each([
    ['bare token', (t: string) => t],
    ['Bearer', (t: string) => `Bearer ${t}`],
    ['lower-case bearer', (t: string) => `bearer ${t}`],
    ['upper-case BEARER with several spaces', (t: string) => `BEARER   ${t}`],
    ['tab after the scheme', (t: string) => `Bearer\t${t}`],
    ['surrounding whitespace', (t: string) => `  Bearer ${t}  `],
  ])('control: %s with a valid token → the user', async (_name, wrap) => {
    const subject = makeProvider(emu);
    await expectAccepted(emu, subject, wrap(valid), userId, { jwks: 1, getUser: 1 });
  });
});

describe('segments', () => {
  it.each([
    ['one segment', () => 'not-a-jwt'],
    ['a lone dot', () => '.'],
    ['two dots only', () => '..'],
    ['three dots only', () => '...'],
    ['two segments (a.b)', () => 'a.b'],
    ['four segments (a.b.c.d)', () => 'a.b.c.d'],
    ['two segments of a valid token', () => valid.split('.').slice(0, 2).join('.')],
    ['a valid token with a fourth segment', () => `${valid}.${valid.split('.')[2]}`],
    ['a valid token with a trailing dot', () => `${valid}.`],
    ['five segments (JWE-like)', () => `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: emu.currentKid })}.a.b.c.d`],
    ['empty signature', () => `${valid.split('.').slice(0, 2).join('.')}.`],
    ['empty header', () => `.${valid.split('.').slice(1).join('.')}`],
    ['empty payload', () => { const [h, , s] = valid.split('.'); return `${h}..${s}`; }],
  ])('%s → token_malformed, no network', async (_name, input) => {
    await rejectedBeforeNetwork(input(), 'token_malformed');
  });
});

describe('base64url', () => {
  const header = () => ({ alg: 'RS256', typ: 'JWT', kid: emu.currentKid });
  const standardB64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

  it.each([
    ['standard base64 with + and / in the header', () => {
      // '?>' encodes to 'Pz4' in base64url and 'Pz4' too; '??>' → 'Pz8+': forces a '+'.
      const h = standardB64({ ...header(), pad: '??>??>' });
      expect(h).toMatch(/[+/=]/);
      return `${h}.${b64url(goodClaims(emu, userId))}.c2ln`;
    }],
    ['padding = in the header', () => `${b64url(header())}==.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['padding = in the payload', () => `${b64url(header())}.${b64url(goodClaims(emu, userId))}==.c2ln`],
    ['percent-encoding in the header', () => `${b64url(header()).slice(0, 8)}%3D${b64url(header()).slice(8)}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['non-ASCII characters in the payload', () => `${b64url(header())}.é${b64url(goodClaims(emu, userId))}.c2ln`],
    ['a segment of length 4n+1', () => `eyJhb.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['signature with illegal characters', () => `${b64url(header())}.${b64url(goodClaims(emu, userId))}.c2ln+/==`],
    ['signature with a space inside', () => `${b64url(header())}.${b64url(goodClaims(emu, userId))}.c2l uYXR1cmU`],
    ['valid token with a standard-base64 signature', () => {
      const [h, p, s] = valid.split('.');
      return `${h}.${p}.${Buffer.from(s ?? '', 'base64url').toString('base64')}`;
    }],
  ])('%s → token_malformed, no network', async (_name, input) => {
    await rejectedBeforeNetwork(input(), 'token_malformed');
  });
});

describe('header and payload must be JSON objects', () => {
  const header = () => ({ alg: 'RS256', typ: 'JWT', kid: emu.currentKid });
  const raw = (text: string) => b64url(text, true);

  it.each([
    ['header is not JSON', () => `${raw('alg=RS256')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['header is truncated JSON', () => `${raw('{"alg":"RS256","kid":"x"')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['header is invalid UTF-8', () => `${Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['header is JSON null', () => `${raw('null')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['header is a JSON array', () => `${raw('["RS256"]')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['header is a JSON string', () => `${raw('"RS256"')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['header is a JSON number', () => `${raw('256')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['header is JSON true', () => `${raw('true')}.${b64url(goodClaims(emu, userId))}.c2ln`],
    ['payload is not JSON', () => `${b64url(header())}.${raw('sub=user_1')}.c2ln`],
    ['payload is truncated JSON', () => `${b64url(header())}.${raw('{"sub":"user_1","exp":')}.c2ln`],
    ['payload is JSON null', () => `${b64url(header())}.${raw('null')}.c2ln`],
    ['payload is a JSON array', () => `${b64url(header())}.${raw('[1,2,3]')}.c2ln`],
    ['payload is a JSON string', () => `${b64url(header())}.${raw('"user_1"')}.c2ln`],
    ['payload is a JSON number', () => `${b64url(header())}.${raw('0')}.c2ln`],
    ['payload is empty', () => `${b64url(header())}.${raw('')}.c2ln`],
  ])('%s → token_malformed, no network', async (_name, input) => {
    await rejectedBeforeNetwork(input(), 'token_malformed');
  });

  it('deeply nested JSON under the size limit → alg_not_allowed, no network, no stack trouble', async () => {
    const nested = `{"kid":"k","x":${'['.repeat(2500)}${']'.repeat(2500)}}`;
    const token = `${b64url(nested, true)}.${b64url(goodClaims(emu, userId))}.c2ln`;
    expect(token.length).toBeLessThan(8192);
    await rejectedBeforeNetwork(token, 'alg_not_allowed');
  });

  it('lone UTF-16 surrogates in the token → token_malformed, no network', async () => {
    await rejectedBeforeNetwork(`${valid.slice(0, 10)}\uD800${valid.slice(10)}`, 'token_malformed');
  });

  it('a signed token whose payload is a JSON array → token_malformed, no network', async () => {
    // Signed with the real key: only the shape check stands between it and the verifier.
    const subject = makeProvider(emu);
    const [h] = valid.split('.');
    await expectRejected(emu, subject, `${h}.${b64url([goodClaims(emu, userId)])}.${valid.split('.')[2]}`, {
      jwks: 0,
      reason: 'token_malformed',
    });
  });
});

describe('size limit (maxTokenLength)', () => {
  it('20 000 characters of junk → token_too_large, no network', async () => {
    await rejectedBeforeNetwork('x'.repeat(20_000), 'token_too_large');
  });

  it('a 1 MB well-formed-looking token → token_too_large, no network', async () => {
    const token = craft({ alg: 'RS256', kid: emu.currentKid }, { ...goodClaims(emu, userId), pad: 'A'.repeat(1_000_000) });
    await rejectedBeforeNetwork(token, 'token_too_large');
  });

  it('a token signed by the real key but 1 character over the default 8192 → token_too_large, no network', async () => {
    const base = await emu.mintAccessToken({ sub: userId, pad: '' });
    const padded = await emu.mintAccessToken({ sub: userId, pad: 'p'.repeat(8193 - base.length + 20) });
    expect(padded.length).toBeGreaterThan(8192);
    await rejectedBeforeNetwork(padded, 'token_too_large');
  });

  it('boundary: a token exactly maxTokenLength long passes, one character shorter a limit rejects it', async () => {
    const token = await emu.mintAccessToken({ sub: userId });
    const atLimit = makeProvider(emu, { maxTokenLength: token.length });
    await expectAccepted(emu, atLimit, token, userId, { jwks: 1, getUser: 1 });

    const belowLimit = makeProvider(emu, { maxTokenLength: token.length - 1 });
    await expectRejected(emu, belowLimit, token, { jwks: 0, reason: 'token_too_large' });
  });

  it('a warm provider still rejects an oversize token without any call', async () => {
    const subject = makeProvider(emu, { maxTokenLength: 2048 });
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    const big = await emu.mintAccessToken({ sub: userId, pad: 'q'.repeat(3000) });
    await expectRejected(emu, subject, big, { jwks: 0, reason: 'token_too_large' });
  });
});

describe('through a real Mastra server (Hono adapter)', () => {
  let server: RunningMastraServer | undefined;
  let baseUrl: string;
  const subject = { current: undefined as ReturnType<typeof makeProvider> | undefined };

  beforeAll(async () => {
    subject.current = makeProvider(emu);
    const mastra = new Mastra({ server: { auth: subject.current.auth }, logger: false });
    server = await startMastraServer(mastra);
    baseUrl = server.baseUrl;
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function get(headers: Record<string, string>) {
    const response = await fetch(`${baseUrl}/api/agents`, { headers });
    return { status: response.status, body: await response.text() };
  }

  it.each<[string, AuthFailureCode, Record<string, string>]>([
    ['no header', 'token_missing', {}],
    ['empty Authorization', 'token_missing', { Authorization: '' }],
    ['bare Bearer', 'token_missing', { Authorization: 'Bearer' }],
    ['Bearer and spaces', 'token_missing', { Authorization: 'Bearer   ' }],
    ['Basic credentials', 'token_malformed', { Authorization: 'Basic dXNlcjpwYXNzd29yZA==' }],
    ['Token scheme', 'token_malformed', { Authorization: 'Token <valid>' }],
    ['two tokens', 'token_malformed', { Authorization: 'Bearer <valid> <valid>' }],
    ['two segments', 'token_malformed', { Authorization: 'Bearer a.b' }],
    ['four segments', 'token_malformed', { Authorization: 'Bearer a.b.c.d' }],
    ['9000 characters', 'token_too_large', { Authorization: `Bearer ${'x'.repeat(9000)}` }],
    ['token in a session cookie only', 'token_missing', { Cookie: 'wos-session=<valid>' }],
  ])('401 for %s → %s, with no WorkOS traffic', async (_name, reason, template) => {
    // A fresh provider behind a fresh server: the provider logs each reason once, so this request's is visible.
    const headers = Object.fromEntries(Object.entries(template).map(([key, value]) => [key, value.replaceAll('<valid>', valid)]));
    const own = makeProvider(emu);
    const ownServer = await startMastraServer(new Mastra({ server: { auth: own.auth }, logger: false }));
    try {
      const before = emu.callCount();
      const response = await fetch(`${ownServer.baseUrl}/api/agents`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Invalid or expired token' });
      expect(emu.callCount() - before).toBe(0);
      expectReason(own.logger.lines, 0, reason);
      expectNoSecrets(own.logger, [valid, 'dXNlcjpwYXNzd29yZA==']);
    } finally {
      await ownServer.stop();
    }
  });

  it('accepted on purpose: "Bearer Bearer <token>" (the adapter strips one prefix, the provider the other)', async () => {
    // Harmless: the credential is still the one valid token; a second scheme word adds nothing.
    const { status } = await get({ Authorization: `Bearer Bearer ${valid}` });
    expect(status).toBe(200);
  });

  it('200 for the same valid token with Bearer in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const { status } = await get({ Authorization: `${scheme} ${valid}` });
      expect(status).toBe(200);
    }
    const stats = subject.current!.auth.getStats();
    expect(stats.jwksFetches).toBe(1);
    // One user lookup: the user cache serves the other two requests.
    expect(stats.workosApiCalls).toBe(1);
    expectNoSecrets(subject.current!.logger, [valid]);
  });
});

// Guards the log checks of every suite: they search the logs for this exact key.
it('the API key in use is the recognisable one the log checks look for', () => {
  expect(emu.connection.apiKey).toBe(API_KEY);
});
