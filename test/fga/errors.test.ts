import { describe, expect, expectTypeOf, it } from 'vitest';
import { WorkOSMastraError } from '../../src/shared/errors';
import {
  WorkOSFGAError,
  WorkOSFGAMembershipResolutionError,
  WorkOSFGAResourceNotFoundError,
  type MastraFGAWorkosOptions,
} from '../../src';

describe("upstream's FGA error surface", () => {
  it('WorkOSFGAResourceNotFoundError(resourceType, resourceId): literal 404, both fields, how to register', () => {
    const error = new WorkOSFGAResourceNotFoundError('agent', 'weather');
    const status: 404 = error.status; // compiles only while the literal type survives the shared base
    expect(status).toBe(404);
    expect(error).toBeInstanceOf(WorkOSFGAError);
    expect(error).toBeInstanceOf(WorkOSMastraError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'WorkOSFGAResourceNotFoundError',
      code: 'fga_resource_not_found',
      resourceType: 'agent',
      resourceId: 'weather',
      resource: { resourceTypeSlug: 'agent', externalId: 'weather' },
    });
    expect(error.message).toMatch(/not registered/);
    expect(error.message).toMatch(/registerResource|createResource/);
    expectTypeOf(error.resourceType).toEqualTypeOf<string>();
    expectTypeOf(error.resourceId).toEqualTypeOf<string>();
  });

  it('our form (a missing WorkOS resource) fills the same fields', () => {
    const byId = new WorkOSFGAResourceNotFoundError({ resourceId: 'authz_resource_1' });
    expect(byId).toMatchObject({ status: 404, resourceType: 'unknown', resourceId: 'authz_resource_1' });
    expect(byId.message).not.toMatch(/publicByDefault/);
  });

  it('WorkOSFGAMembershipResolutionError(user): literal 500, userId redacted, never the id', () => {
    const user = { id: 'user_secret_id', email: 'alice@acme.test' };
    const error = new WorkOSFGAMembershipResolutionError(user);
    const status: 500 = error.status;
    expect(status).toBe(500);
    expect(error.userId).toBe('<redacted>');
    expect(error).toBeInstanceOf(WorkOSMastraError);
    expect(error.message).toMatch(/fetchMemberships/);
    expect(error.message).toMatch(/organizationMembershipId/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('user_secret_id');
  });

  it("deriveId's context user accepts arbitrary property reads (upstream's ctx.user.teamId)", () => {
    const options: MastraFGAWorkosOptions = {
      resourceMapping: {
        agent: { fgaResourceType: 'team', deriveId: (ctx) => ctx.user.teamId as string | undefined },
        thread: { fgaResourceType: 'owner', parentResourceTypeSlug: 'team', deriveParentId: (ctx) => String(ctx.user.team?.id) },
      },
    };
    expect(options.resourceMapping?.agent?.deriveId?.({ user: { id: 'u', workosId: 'u', teamId: 't1' } as never })).toBe('t1');
  });
});
