/**
 * The directory store (src/testing/store.ts): its invariants, such as unique emails, at scale.
 */
import { describe, expect, it } from 'vitest';
import { startWorkOSEmulator } from '../../src/testing';

describe('WorkOS emulator directory', () => {
  it('keeps emails unique (case-insensitively) through create, update and delete', async () => {
    const emu = await startWorkOSEmulator();
    try {
      const ada = emu.createUser({ email: 'ada@acme.test' });
      expect(() => emu.createUser({ email: 'ADA@acme.test' })).toThrow(/already used/);
      emu.updateUser(ada.id, { email: 'ada.l@acme.test' });
      const second = emu.createUser({ email: 'ada@acme.test' });
      expect(() => emu.updateUser(second.id, { email: 'Ada.L@acme.test' })).toThrow(/already used/);
      emu.deleteUser(ada.id);
      expect(emu.createUser({ email: 'ada.l@acme.test' }).email).toBe('ada.l@acme.test');
      for (let i = 0; i < 20_000; i += 1) emu.createUser({ email: `bulk-${i}@acme.test` });
      expect(emu.getUser(second.id)?.email).toBe('ada@acme.test');
    } finally {
      await emu.stop();
    }
  });
});
