import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  MastraAuthWorkos,
  MastraFGAWorkos,
  MastraRBACWorkos,
  WorkOSAuthError,
  WorkOSConfigError,
  WorkOSFGAResourceNotFoundError,
  WorkOSMastraError,
  WorkOSRBACError,
  WorkOSUpstreamError,
  isWorkOSMastraError,
} from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

let emu: WorkOSEmulator;
beforeAll(async () => {
  emu = await startWorkOSEmulator();
});
afterAll(() => emu?.stop());

it('every error class of the package shares one base with a stable code', () => {
  const errors = [
    new WorkOSConfigError('apiKey', 'missing'),
    new WorkOSAuthError('token_expired', 'expired'),
    new WorkOSRBACError('upstream_unavailable', 'down'),
    new WorkOSFGAResourceNotFoundError('agent', 'weather'),
    new WorkOSUpstreamError('getUser', { kind: 'timeout' }),
  ];
  for (const error of errors) {
    expect(error).toBeInstanceOf(WorkOSMastraError);
    expect(isWorkOSMastraError(error)).toBe(true);
    expect(typeof error.code).toBe('string');
  }
  expect(errors.map((error) => error.code)).toEqual(['config_invalid', 'token_expired', 'upstream_unavailable', 'fga_resource_not_found', 'upstream_timeout']);
});

it('a misconfiguration of any provider is caught as WorkOSMastraError, naming the option', () => {
  const attempts = [
    () => new MastraAuthWorkos({ ...emu.connection, cache: { ttlMs: 400_000 } }),
    () => new MastraRBACWorkos({ ...emu.connection, roleMapping: { admin: ['*'] }, cache: { ttlMs: 400_000 } }),
    () => new MastraFGAWorkos({ ...emu.connection, cache: { ttlMs: 400_000 } }),
  ];
  for (const attempt of attempts) {
    let caught: unknown;
    try {
      attempt();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkOSMastraError);
    expect((caught as WorkOSConfigError).option).toBe('cache.ttlMs');
    expect((caught as Error).message).toMatch(/at most 300000/);
  }
});
