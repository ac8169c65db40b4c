/**
 * Regression: an invalidation must win over a WorkOS lookup that was already in flight. Before the
 * shared read-through cache, `invalidateUser` during an in-flight `getUser` let the (now deleted)
 * user be cached afterwards, authenticating for a whole TTL with zero WorkOS calls.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { noopLogger } from '@mastra/core/logger';
import { MastraAuthWorkos } from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

let emu: WorkOSEmulator;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
});

afterAll(async () => {
  await emu?.stop();
});

it('invalidateUser during an in-flight getUser: the deleted user is not cached afterwards', async () => {
  const auth = new MastraAuthWorkos({ ...emu.connection, logger: noopLogger, cache: { ttlMs: 60_000 } });
  const warm = emu.createUser({ email: 'warm@race.test' });
  expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: warm.id }))).not.toBeNull(); // key set loaded

  const doomed = emu.createUser({ email: 'doomed@race.test' });
  const token = await emu.mintAccessToken({ sub: doomed.id });
  const getUserBefore = emu.callCount('getUser');
  // WorkOS reads the user now, but its answer arrives later (a slow network).
  emu.injectFault('getUser', { delayResponseMs: 150, times: 1 });
  const inFlight = auth.authenticateToken(token);
  await vi.waitFor(() => expect(emu.callCount('getUser')).toBe(getUserBefore + 1));

  // Meanwhile the user is deleted and a Directory Sync webhook tells the provider.
  emu.deleteUser(doomed.id);
  auth.invalidateUser(doomed.id);

  expect((await inFlight)?.id).toBe(doomed.id); // that request was already under way with the old answer
  expect(await auth.authenticateToken(token)).toBeNull(); // the next one asks WorkOS again: 404
  expect(emu.callCount('getUser')).toBe(getUserBefore + 2);
});
