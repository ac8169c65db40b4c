/**
 * List pagination (src/testing/pagination.ts): limit / before / after cursors, order, limits, and
 * the SDK's auto-pagination. (listResourcesForMembership's paging is in authorization.test.ts.)
 */
import type { WorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { useEmulator } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  let workos!: WorkOS;
  useEmulator((started) => ({ emu, workos } = started));

  describe('organization memberships', () => {
    it('paginates with limit / after and auto-paginates', async () => {
      const org = emu.createOrganization({ name: 'Big' });
      const ids = Array.from({ length: 5 }, (_, i) => {
        const user = emu.createUser({ email: `u${i}@big.test` });
        return emu.createMembership({ userId: user.id, organizationId: org.id }).id;
      });

      const first = await workos.userManagement.listOrganizationMemberships({ organizationId: org.id, limit: 2, order: 'asc' });
      expect(first.data.map((m) => m.id)).toEqual(ids.slice(0, 2));
      expect(first.listMetadata).toEqual({ before: null, after: ids[1] });

      const second = await workos.userManagement.listOrganizationMemberships({
        organizationId: org.id,
        limit: 2,
        order: 'asc',
        after: first.listMetadata.after!,
      });
      expect(second.data.map((m) => m.id)).toEqual(ids.slice(2, 4));
      expect(second.listMetadata).toEqual({ before: ids[2], after: ids[3] });

      // Default order is WorkOS's: newest first.
      const newest = await workos.userManagement.listOrganizationMemberships({ organizationId: org.id, limit: 1 });
      expect(newest.data.map((m) => m.id)).toEqual([ids[4]]);

      const all = await (await workos.userManagement.listOrganizationMemberships({ organizationId: org.id })).autoPagination();
      expect(all.map((m) => m.id).sort()).toEqual([...ids].sort());

      await expect(
        workos.userManagement.listOrganizationMemberships({ organizationId: org.id, limit: 101 }),
      ).rejects.toMatchObject({ status: 422 });
    });
  });
});
