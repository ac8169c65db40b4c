/**
 * Cost of `authenticateToken` on a warm user cache, against a bare jose `jwtVerify` of the same
 * token with a local public key (the least any verifying provider must do).
 *
 * - Distinct tokens: every call is a full RS256 verification on both sides; the user comes from
 *   the warm user cache. Measured with the verified-token cache off (`cache: { tokens: false }`,
 *   the like-for-like comparison) and, for information, with the defaults, where each call also
 *   pays a cache miss and insert (SHA-256 of the token, LRU write).
 * - Repeated token: our verified-token cache answers; jose verifies again every time.
 */
import { importJWK, jwtVerify, type JWK } from 'jose';
import { noopLogger } from '@mastra/core/logger';
import { MastraAuthWorkos } from '../src';
import type { SharedStore } from '../src/store';
import type { WorkOSEmulator } from '../src/testing';
import { timeInterleaved, type PairTiming } from './measure';
import { mintDistinctTokens } from './tokens';

export interface VerifyCostResult {
  /** New token each call, verified-token cache off. */
  distinct: PairTiming;
  /** New token each call, default options (verified-token cache on: a miss and an insert each call). */
  distinctDefault: PairTiming;
  repeated: PairTiming;
  /** WorkOS API calls of our provider during the timed part (expected 0: warm). */
  timedWorkosApiCalls: number;
}

export interface VerifyCostOptions {
  /** Interleaved rounds; many short rounds keep both sides under the same machine load. */
  rounds: number;
  /** Distinct tokens used for warm-up (not timed). */
  warmup: number;
  /** Distinct tokens per side per round. */
  distinctBatch: number;
  /** Calls per side per round for the repeated token. */
  repeatedBatch: number;
  /** Give the measured providers this shared store (fleet mode): the warm path must not change. */
  store?: SharedStore;
}

let measured = 0;

export async function measureVerifyCost(emu: WorkOSEmulator, options: VerifyCostOptions): Promise<VerifyCostResult> {
  measured += 1;
  const user = emu.createUser({ email: `verify-cost-${measured}@bench.test`, firstName: 'Verify', lastName: 'Cost' });
  const warmupCount = options.warmup;
  const perRun = options.rounds * options.distinctBatch;
  const tokens = await mintDistinctTokens(emu, warmupCount + 2 * perRun, { sub: user.id });

  const store = options.store ? { store: options.store } : {};
  const provider = new MastraAuthWorkos({ ...emu.connection, logger: noopLogger, cache: { tokens: false }, ...store });
  const defaults = new MastraAuthWorkos({ ...emu.connection, logger: noopLogger, ...store });
  const jwk = emu.publicJwks().keys[0] as JWK;
  const publicKey = await importJWK(jwk, 'RS256');
  const joseOptions = { algorithms: ['RS256'], issuer: emu.issuer };

  const ours = async (token: string): Promise<void> => {
    if ((await provider.authenticateToken(token)) === null) throw new Error('benchmark token rejected by the provider');
  };
  const oursDefault = async (token: string): Promise<void> => {
    if ((await defaults.authenticateToken(token)) === null) throw new Error('benchmark token rejected by the provider');
  };
  const bare = async (token: string): Promise<void> => {
    await jwtVerify(token, publicKey, joseOptions);
  };

  // Warm-up: key set fetched, user cached, both code paths optimised by V8.
  const warmup = tokens.slice(0, warmupCount);
  for (const token of warmup) await ours(token);
  for (const token of warmup) await oursDefault(token);
  for (const token of warmup) await bare(token);
  const callsBefore = provider.getStats().workosApiCalls + defaults.getStats().workosApiCalls;

  const distinct = await timeInterleaved({
    rounds: options.rounds,
    batchFor: (round) => tokens.slice(warmupCount + round * options.distinctBatch, warmupCount + (round + 1) * options.distinctBatch),
    ours,
    baseline: bare,
  });
  const offset = warmupCount + perRun;
  const distinctDefault = await timeInterleaved({
    rounds: options.rounds,
    batchFor: (round) => tokens.slice(offset + round * options.distinctBatch, offset + (round + 1) * options.distinctBatch),
    ours: oursDefault,
    baseline: bare,
  });

  const repeatedToken = tokens[0]!;
  const repeatedBatch = new Array<string>(options.repeatedBatch).fill(repeatedToken);
  for (let i = 0; i < 200; i += 1) {
    await oursDefault(repeatedToken);
    await bare(repeatedToken);
  }
  const repeated = await timeInterleaved({ rounds: options.rounds, batchFor: () => repeatedBatch, ours: oursDefault, baseline: bare });

  return {
    distinct,
    distinctDefault,
    repeated,
    timedWorkosApiCalls: provider.getStats().workosApiCalls + defaults.getStats().workosApiCalls - callsBefore,
  };
}
