import { describe, expect, it } from 'vitest';
import { activeMemberships, pickMembership } from '../../src/shared/memberships';

describe('the shared membership rule', () => {
  const a = { id: 'om_a', organizationId: 'org_a', status: 'active' };
  const b = { id: 'om_b', organizationId: 'org_b', status: 'active' };
  const pending = { id: 'om_p', organizationId: 'org_p', status: 'pending' };
  const inactive = { id: 'om_i', organizationId: 'org_a', status: 'inactive' };

  it('with an organization: the active membership there, else none', () => {
    expect(pickMembership([inactive, a, b], 'org_a')).toBe(a);
    expect(pickMembership([inactive], 'org_a')).toBeUndefined();
    expect(pickMembership([pending], 'org_p')).toBeUndefined();
    expect(pickMembership([a, b], 'org_x')).toBeUndefined();
  });

  it('without one: the only active membership; several are ambiguous', () => {
    expect(pickMembership([pending, a, inactive], undefined)).toBe(a);
    expect(pickMembership([a, b], undefined)).toBeUndefined();
    expect(pickMembership([], undefined)).toBeUndefined();
  });

  it('ignores junk entries and non-lists', () => {
    expect(activeMemberships([null, 'x', 3, a])).toEqual([a]);
    expect(activeMemberships(undefined)).toEqual([]);
    expect(pickMembership({ not: 'a list' }, undefined)).toBeUndefined();
  });
});
