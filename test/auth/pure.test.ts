import { describe, expect, it } from 'vitest';
import type { User } from '@workos-inc/node';
import { mapWorkOSUserToEEUser, WorkOSAuthError } from '../../src';
import { readClaim, readStringClaim, readStringListClaim } from '../../src/auth/claims';
import { extractBearerToken, inspectToken } from '../../src/auth/token-shape';

const workosUser = (patch: Partial<User>): User =>
  ({
    object: 'user',
    id: 'user_1',
    email: 'ada@example.test',
    emailVerified: false,
    firstName: null,
    lastName: null,
    profilePictureUrl: null,
    lastSignInAt: null,
    locale: null,
    externalId: null,
    metadata: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  }) as User;

describe('mapWorkOSUserToEEUser', () => {
  it('maps id, name, avatar and metadata', () => {
    expect(mapWorkOSUserToEEUser(workosUser({ firstName: 'Ada', lastName: 'Lovelace', profilePictureUrl: 'https://x.test/a.png', emailVerified: true }))).toEqual({
      id: 'user_1',
      workosId: 'user_1',
      email: 'ada@example.test',
      name: 'Ada Lovelace',
      avatarUrl: 'https://x.test/a.png',
      metadata: { workosId: 'user_1', emailVerified: true, createdAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(mapWorkOSUserToEEUser(workosUser({ firstName: 'Ada' })).name).toBe('Ada');
    expect(mapWorkOSUserToEEUser(workosUser({ lastName: 'Lovelace' })).name).toBe('ada@example.test');
  });

  it('keeps the WorkOS user metadata but never lets it override workosId', () => {
    const user = mapWorkOSUserToEEUser(workosUser({ metadata: { role: 'admin', workosId: 'spoof' } }));
    expect(user.metadata).toMatchObject({ role: 'admin', workosId: 'user_1' });
  });
});

describe('claims', () => {
  const payload = { sub: 's', 'urn:x:org.id': 'exact', ext: { org: { id: 'nested' } }, roles: ['a', 'b'], role: 'r', mixed: ['a', 1] };
  it('prefers exact names, then dotted paths', () => {
    expect(readClaim(payload, 'urn:x:org.id')).toBe('exact');
    expect(readClaim(payload, 'ext.org.id')).toBe('nested');
    expect(readClaim(payload, 'ext.missing.id')).toBeUndefined();
    expect(readClaim(payload, '__proto__.polluted')).toBeUndefined();
  });
  it('types string and list claims', () => {
    expect(readStringClaim(payload, 'ext')).toBeUndefined();
    expect(readStringListClaim(payload, 'roles')).toEqual(['a', 'b']);
    expect(readStringListClaim(payload, 'role')).toEqual(['r']);
    expect(readStringListClaim(payload, 'mixed')).toBeUndefined();
  });
});

describe('token shape', () => {
  const rules = { maxTokenLength: 8192, algorithms: ['RS256'], maxKidLength: 256 };
  const seg = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const good = `${seg({ alg: 'RS256', kid: 'k1' })}.${seg({ sub: 'u', exp: now + 60 })}.c2ln`;

  it('extracts one bearer token', () => {
    expect(extractBearerToken('Bearer abc')).toBe('abc');
    expect(extractBearerToken('abc')).toBe('abc');
    for (const bad of ['', ' ', 'Bearer', 'Basic a b', 'Bearer a b']) {
      expect(() => extractBearerToken(bad)).toThrow(WorkOSAuthError);
    }
  });

  it('accepts a well-formed token and names what is wrong with others', () => {
    expect(inspectToken(good, rules).kid).toBe('k1');
    const code = (token: string) => {
      try {
        inspectToken(token, rules);
        return 'ok';
      } catch (error) {
        return (error as WorkOSAuthError).code;
      }
    };
    expect(code(`${seg({ alg: 'none', kid: 'k' })}.${seg({ sub: 'u', exp: now })}.c2ln`)).toBe('alg_not_allowed');
    expect(code(`${seg({ kid: 'k' })}.${seg({ sub: 'u', exp: now })}.c2ln`)).toBe('alg_not_allowed');
    expect(code(`${seg({ alg: 'RS256' })}.${seg({ sub: 'u', exp: now })}.c2ln`)).toBe('kid_missing');
    expect(code(`${seg({ alg: 'RS256', kid: 'k', crit: ['exp'] })}.${seg({ sub: 'u', exp: now })}.c2ln`)).toBe('crit_unsupported');
    expect(code(`${seg({ alg: 'RS256', kid: 'k' })}.${seg({ sub: 'u', exp: '9999999999' })}.c2ln`)).toBe('claim_invalid');
    expect(code(`${seg({ alg: 'RS256', kid: 'k' })}.${seg({ exp: now })}.c2ln`)).toBe('claim_invalid');
    expect(code(`${seg([1])}.${seg({ sub: 'u', exp: now })}.c2ln`)).toBe('token_malformed');
    expect(code(`${seg({ alg: 'RS256', kid: 'k' })}.bm90IGpzb24.c2ln`)).toBe('token_malformed');
    expect(code(`${seg({ alg: 'RS256', kid: 'k' })}.${seg({ sub: 'u', exp: now })}.`)).toBe('token_malformed');
    expect(code(`a+b.${seg({})}.c2ln`)).toBe('token_malformed');
    expect(code('x'.repeat(9000))).toBe('token_too_large');
  });
});
