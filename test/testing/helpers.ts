/** Shared setup of the emulator suites: one emulator per file, reset before each test. */
import type { WorkOS } from '@workos-inc/node';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

/** Verifies against a fresh remote key set (no cache carried over between assertions). */
export function verify(emu: WorkOSEmulator, token: string) {
  return jwtVerify(token, createRemoteJWKSet(new URL(emu.jwksUrl)), { issuer: emu.issuer, algorithms: ['RS256'] });
}

/**
 * Starts one emulator for the calling file (stopped after it) and `reset()`s it before each test.
 * `bind` receives the emulator and a real SDK client on it, so test bodies use plain variables.
 */
export function useEmulator(bind: (started: { emu: WorkOSEmulator; workos: WorkOS }) => void): void {
  let emu: WorkOSEmulator | undefined;

  beforeAll(async () => {
    emu = await startWorkOSEmulator();
    bind({ emu, workos: emu.createWorkOSClient() });
  });

  afterAll(async () => {
    await emu?.stop();
  });

  beforeEach(() => {
    emu!.reset();
  });
}

/** A user in an organization with an active membership. */
export function seedMember(emu: WorkOSEmulator, role = 'member') {
  const org = emu.createOrganization({ name: 'Acme', domains: ['acme.test'] });
  const user = emu.createUser({ email: `ada+${Math.random()}@acme.test`, firstName: 'Ada', lastName: 'Lovelace' });
  const membership = emu.createMembership({ userId: user.id, organizationId: org.id, role });
  return { org, user, membership };
}

/**
 * An SDK result with its timestamps back in wire form: SDK 12 turns `createdAt`/`updatedAt` (and
 * other ISO date fields) into `Date`s, SDK 11 kept the strings the emulator sent.
 */
export function wireForm<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}
