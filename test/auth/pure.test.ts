import { describe, expect, it } from 'vitest';
import type { User } from '@workos-inc/node';
import { mapWorkOSUserToEEUser, WorkOSAuthError } from '../../src';
import { readClaim, readStringClaim, readStringListClaim } from '../../src/auth/claims';
import { extractBearerToken } from '../../src/auth/token-shape';

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

describe('extractBearerToken', () => {
  it('extracts one bearer token', () => {
    expect(extractBearerToken('Bearer abc')).toBe('abc');
    expect(extractBearerToken('abc')).toBe('abc');
    for (const bad of ['', ' ', 'Bearer', 'Basic a b', 'Bearer a b']) {
      expect(() => extractBearerToken(bad)).toThrow(WorkOSAuthError);
    }
  });
});
