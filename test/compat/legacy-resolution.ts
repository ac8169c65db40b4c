/** Imports by subpath, type-checked with `moduleResolution: "node10"` (no `exports` map support). */
import { MastraAuthWorkos } from '@mastra/auth-workos';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '@mastra/auth-workos/testing';

export async function legacy(): Promise<MastraAuthWorkos> {
  const emu: WorkOSEmulator = await startWorkOSEmulator();
  return new MastraAuthWorkos({ ...emu.connection, clock: new ManualClock() });
}
