import type { AuthenticationResponse } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import { SessionRefresher } from '../../src/session/refresher';
import type { SessionData } from '../../src/session/session-data';
import { ManualClock } from '../../src/testing';

const data = (refreshToken: string): SessionData => ({ accessToken: 'a.b.c', refreshToken, user: { id: 'user_1' } as never, organizationId: 'org_1' });
const answer = (n: number) => ({ accessToken: `at${n}`, refreshToken: `rt${n}`, user: { id: 'user_1' } }) as unknown as AuthenticationResponse;
const failure = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

function setup(script: Array<AuthenticationResponse | Error>) {
  const clock = new ManualClock();
  const sleeps: number[] = [];
  const grants: Array<{ token: string; org: string | undefined }> = [];
  const refresher = new SessionRefresher<string>({
    clock,
    grant: async (token, org) => {
      grants.push({ token, org });
      const next = script.shift();
      if (next === undefined) throw new Error('unexpected grant');
      if (next instanceof Error) throw next;
      return next;
    },
    complete: async (response) => response.refreshToken,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { clock, sleeps, grants, refresher };
}

describe('SessionRefresher', () => {
  it('one grant for concurrent callers, sends the organization, answers late callers for 60 s', async () => {
    const { clock, grants, refresher } = setup([answer(1), answer(2)]);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => refresher.refresh(data('rt0'))));
    expect(new Set(outcomes.map((o) => o.result))).toEqual(new Set(['rt1']));
    expect(grants).toEqual([{ token: 'rt0', org: 'org_1' }]);
    clock.advance(59_999);
    expect((await refresher.refresh(data('rt0'))).result).toBe('rt1');
    expect(await refresher.recent(data('rt0'))).toBe('rt1');
    clock.advance(2);
    expect((await refresher.refresh(data('rt0'))).result).toBe('rt2');
    expect(refresher.grants).toBe(2);
  });

  it('retries network errors and 5xx once, 429 once after a short Retry-After; never 4xx', async () => {
    const network = setup([failure({}), answer(1)]);
    expect((await network.refresher.refresh(data('n'))).result).toBe('rt1');
    const server = setup([failure({ status: 503 }), failure({ status: 502 })]);
    expect(await server.refresher.refresh(data('s'))).toEqual({ failure: 'unavailable' });
    expect(server.grants).toHaveLength(2);
    const limited = setup([failure({ status: 429, kind: 'rate_limited', retryAfterSec: 1 }), answer(1)]);
    expect((await limited.refresher.refresh(data('l'))).result).toBe('rt1');
    expect(limited.sleeps).toEqual([1000]);
    const longWait = setup([failure({ status: 429, retryAfterSec: 30 })]);
    expect(await longWait.refresher.refresh(data('w'))).toEqual({ failure: 'unavailable' });
    expect(longWait.grants).toHaveLength(1);
    const rejected = setup([failure({ status: 400, error: 'sso_required' }), answer(1)]);
    expect(await rejected.refresher.refresh(data('r'))).toEqual({ failure: 'rejected' });
    expect(rejected.grants).toHaveLength(1);
    // Not remembered: a later try goes to WorkOS again.
    expect((await rejected.refresher.refresh(data('r'))).result).toBe('rt1');
  });

  it('remembers a dead refresh token (invalid_grant, raw or wrapped by the gateway) for the grace window', async () => {
    const wrapped = failure({ kind: 'unavailable', status: 400, cause: { status: 400, error: 'invalid_grant' } });
    const { clock, grants, refresher } = setup([wrapped, answer(1)]);
    expect(await refresher.refresh(data('d'))).toEqual({ failure: 'invalid_grant' });
    expect(await refresher.refresh(data('d'))).toEqual({ failure: 'invalid_grant' });
    expect(grants).toHaveLength(1);
    clock.advance(60_001);
    expect((await refresher.refresh(data('d'))).result).toBe('rt1');
  });
});
