/**
 * `npm run bench`: what our provider costs and saves, measured in one run against an offline
 * WorkOS emulator on 127.0.0.1. Prints a markdown table and, last, one JSON line. Always exits 0
 * when it could measure (it is a report); missed targets are marked **MISS**.
 *
 * Knobs (environment): BENCH_USERS (distinct users for the memory run, default 40000),
 * BENCH_DURATION (seconds per autocannon run, default 2.5; 6 rounds per server),
 * BENCH_ROUNDS (interleaved timing rounds, default 80).
 */
import os from 'node:os';
import { startWorkOSEmulator } from '../src/testing';
import { measureCallCounts } from './call-counts';
import { measureFleet } from './fleet';
import { redisServerInstalled } from '../test/helpers/redis-server';
import { MB, seconds } from './measure';
import { measureMemory } from './memory';
import { jsonLine, markdownTable, score, type BenchRow } from './report';
import { GENERATE, LIST_AGENTS, measureThroughput, type ThroughputResult } from './throughput';
import { measureSessionCost } from './session-cost';
import { measureVerifyCost } from './verify-cost';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

const config = {
  rounds: Math.round(numberFromEnv('BENCH_ROUNDS', 80)),
  users: Math.round(numberFromEnv('BENCH_USERS', 40_000)),
  durationSec: numberFromEnv('BENCH_DURATION', 2.5),
  invalidTokens: 10_000,
};

async function main(): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const emu = await startWorkOSEmulator();
  const rows: BenchRow[] = [];
  const phases: Record<string, number> = {};
  /** Runs one phase, with progress on stderr (stdout carries only the report). */
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    process.stderr.write(`bench: ${name}…\n`);
    const started = process.hrtime.bigint();
    try {
      return await run();
    } finally {
      phases[name] = Number(seconds(started).toFixed(1));
      process.stderr.write(`bench: ${name} done in ${phases[name]} s\n`);
    }
  };

  try {
    const verify = await timed('verify cost', () =>
      measureVerifyCost(emu, { rounds: config.rounds, warmup: 300, distinctBatch: 25, repeatedBatch: 200 }),
    );
    rows.push(
      {
        key: 'verify_distinct_tokens',
        metric: 'authenticateToken, warm user cache, new token each call (full RS256 verify; cache.tokens: false)',
        ours: verify.distinct.oursNs / 1000,
        baseline: verify.distinct.baselineNs / 1000,
        baselineName: 'bare jose jwtVerify',
        ratio: verify.distinct.ratio,
        unit: 'µs',
        target: { on: 'ratio', op: '<=', value: 1.15 },
      },
      {
        key: 'verify_distinct_tokens_default_options',
        metric: 'Same with default options (each call also misses and fills the verified-token cache)',
        ours: verify.distinctDefault.oursNs / 1000,
        baseline: verify.distinctDefault.baselineNs / 1000,
        baselineName: 'bare jose jwtVerify',
        ratio: verify.distinctDefault.ratio,
        unit: 'µs',
        target: { on: 'ratio', op: '<=', value: 1.1 },
      },
      {
        key: 'verify_repeated_token',
        metric: 'authenticateToken, same token again (verified-token cache)',
        ours: verify.repeated.oursNs / 1000,
        baseline: verify.repeated.baselineNs / 1000,
        baselineName: 'bare jose jwtVerify',
        ratio: verify.repeated.ratio,
        unit: 'µs',
        target: { on: 'ratio', op: '<=', value: 0.05 },
      },
      {
        key: 'verify_distinct_tokens_cpu_ratio',
        metric: 'Cross-check: CPU-time ratio, new token each call',
        ours: verify.distinct.cpuRatio,
        ratio: verify.distinct.cpuRatio,
      },
      {
        key: 'verify_repeated_token_cpu_ratio',
        metric: 'Cross-check: CPU-time ratio, same token again',
        ours: verify.repeated.cpuRatio,
        ratio: verify.repeated.cpuRatio,
      },
    );

    const session = await timed('session cookies', () => measureSessionCost({ rounds: config.rounds, batch: 200, burst: 100 }));
    rows.push(
      {
        key: 'cookie_request_warm',
        metric: 'authenticateToken with a wos_session cookie, warm caches (unsealed session + verified token)',
        ours: session.cookieWarm.oursNs / 1000,
        baseline: session.cookieWarm.baselineNs / 1000,
        baselineName: 'bare jose jwtVerify',
        ratio: session.cookieWarm.ratio,
        unit: 'µs',
        target: { on: 'ratio', op: '<=', value: 1.3 },
      },
      {
        key: 'expired_cookie_burst_refresh_grants',
        metric: `Refresh grants, ${session.expiredBurst.requests} concurrent Mastra requests with one expired cookie`,
        ours: session.expiredBurst.refreshGrants,
        target: { on: 'ours', op: '==', value: 1 },
        note: `${session.expiredBurst.ok}/${session.expiredBurst.requests} answered 200`,
      },
    );

    const counts = await timed('call counts', () => measureCallCounts(emu, { invalidTokens: config.invalidTokens }));
    const { tenUsers, coldBurst, invalid } = counts;
    rows.push(
      {
        key: 'workos_calls_per_1000_requests',
        metric: 'WorkOS API calls, 1,000 requests from 10 users (default options)',
        ours: tenUsers.ours.api,
        baseline: tenUsers.naive.getUser,
        baselineName: 'naive, getUser only',
        target: { on: 'ours', op: '<=', value: 10 },
      },
      {
        key: 'workos_calls_per_1000_requests_with_memberships',
        metric: 'WorkOS API calls, 1,000 requests from 10 users (fetchMemberships)',
        ours: tenUsers.oursWithMemberships.api,
        baseline: tenUsers.naive.api,
        baselineName: 'naive',
        target: { on: 'ours', op: '<=', value: 20 },
      },
      {
        key: 'jwks_fetches_per_1000_requests',
        metric: 'JWKS fetches, same 1,000 requests',
        ours: tenUsers.ours.jwks,
        baseline: tenUsers.naive.jwks,
        baselineName: 'naive',
        target: { on: 'ours', op: '<=', value: 1 },
      },
      {
        key: 'cold_burst_get_user_calls',
        metric: 'getUser calls, 500 concurrent cold requests of one new user',
        ours: coldBurst.ours.getUser,
        baseline: coldBurst.naive.getUser,
        baselineName: 'naive',
        target: { on: 'ours', op: '==', value: 1 },
      },
      {
        key: 'invalid_tokens_workos_calls',
        metric: `WorkOS API calls, ${invalid.requests.toLocaleString('en-US')} invalid tokens`,
        ours: invalid.ours.api,
        baseline: invalid.naive.api,
        baselineName: 'naive',
        target: { on: 'ours', op: '==', value: 0 },
        ...(invalid.naive.authenticated > 0 && {
          note: `naive accepted ${invalid.naive.authenticated} of them: it pins no issuer`,
        }),
      },
      {
        key: 'invalid_tokens_jwks_fetches',
        metric: `JWKS fetches, ${invalid.requests.toLocaleString('en-US')} invalid tokens`,
        ours: invalid.ours.jwks,
        baseline: invalid.naive.jwks,
        baselineName: 'naive',
        target: { on: 'ours', op: '<=', value: 1 },
      },
    );

    if (redisServerInstalled()) {
      const fleet = await timed('fleet (3 instances, one redis-server)', () => measureFleet(emu, { rounds: config.rounds, outageSec: 5 }));
      const { outage } = fleet;
      rows.push(
        {
          key: 'fleet_workos_calls_per_1000_requests',
          metric: 'Fleet: WorkOS API calls, 1,000 requests from 10 users spread over 3 instances (store: Redis)',
          ours: fleet.tenUsers.withStore,
          baseline: fleet.tenUsers.withoutStore,
          baselineName: '3 instances, no store',
          target: { on: 'ours', op: '<=', value: 10 },
        },
        {
          key: 'fleet_cold_burst_get_user_calls',
          metric: 'Fleet: getUser calls, 30 concurrent cold requests of one user over 3 instances',
          ours: fleet.coldBurstGetUser,
          target: { on: 'ours', op: '==', value: 1 },
        },
        {
          key: 'fleet_session_refresh_grants',
          metric: `Fleet: refresh grants, ${fleet.sessionRefresh.requests} concurrent requests with one expired cookie over 3 instances (Mastra servers, store: Redis)`,
          ours: fleet.sessionRefresh.withStore.grants,
          baseline: fleet.sessionRefresh.withoutStore.grants,
          baselineName: '3 instances, no store',
          target: { on: 'ours', op: '==', value: 1 },
          note:
            `${fleet.sessionRefresh.withStore.ok}/${fleet.sessionRefresh.requests} requests succeeded, ${fleet.sessionRefresh.withStore.cookies} distinct new cookie(s); ` +
            `without the store ${fleet.sessionRefresh.withoutStore.ok}/${fleet.sessionRefresh.requests} succeeded (${fleet.sessionRefresh.withoutStore.accepted} grant accepted, the others refused: the refresh token was spent)`,
        },
        {
          key: 'fleet_session_refresh_failed_requests',
          metric: `Fleet: failed requests among those ${fleet.sessionRefresh.requests} (store: Redis)`,
          ours: fleet.sessionRefresh.requests - fleet.sessionRefresh.withStore.ok,
          baseline: fleet.sessionRefresh.requests - fleet.sessionRefresh.withoutStore.ok,
          baselineName: '3 instances, no store',
          target: { on: 'ours', op: '==', value: 0 },
        },
        {
          key: 'fleet_warm_path_ratio',
          metric: 'Fleet: authenticateToken with a Redis store, warm user cache, new token each call (cache.tokens: false)',
          ours: fleet.warm.distinct.oursNs / 1000,
          baseline: fleet.warm.distinct.baselineNs / 1000,
          baselineName: 'bare jose jwtVerify',
          ratio: fleet.warm.distinct.ratio,
          unit: 'µs',
          target: { on: 'ratio', op: '<=', value: 1.15 },
          note: `${fleet.warm.timedWorkosApiCalls} WorkOS calls while timed`,
        },
        {
          key: 'fleet_requests_failed_during_redis_outage',
          metric: `Fleet: failed requests, Redis stopped for ${outage.seconds} s under steady traffic (3 instances)`,
          ours: outage.failed,
          baseline: outage.requests,
          baselineName: 'requests',
          ratio: outage.failed / Math.max(1, outage.requests),
          target: { on: 'ours', op: '==', value: 0 },
          note: `sharing resumed ${outage.resumeSec.toFixed(1)} s after Redis came back`,
        },
        {
          key: 'fleet_cold_request_latency_redis_down',
          metric: 'Fleet: median cold request (new user) with Redis stopped (connection refused)',
          ours: outage.coldMedianMs.redisDown,
          baseline: outage.coldMedianMs.noStore,
          baselineName: 'no store',
          unit: 'ms',
          note: `added ${(outage.coldMedianMs.redisDown - outage.coldMedianMs.noStore).toFixed(2)} ms (alternating samples); with Redis up: ${outage.coldMedianMs.redisUp.toFixed(2)} ms vs ${outage.coldMedianMs.noStoreWhileUp.toFixed(2)} ms without store`,
        },
        {
          key: 'fleet_cold_request_latency_redis_hung',
          metric: 'Fleet: cold requests with Redis hung (SIGSTOP): first request, then median of the next 19',
          ours: outage.hung.firstMs,
          baseline: outage.hung.medianAfterMs,
          baselineName: 'median after',
          unit: 'ms',
          note: `bounded by commandTimeoutMs = ${outage.hung.commandTimeoutMs} ms, once; then Redis is skipped until it answers`,
        },
      );
    } else {
      process.stderr.write('bench: redis-server not installed; fleet rows skipped (apt-get install -y redis-server)\n');
    }

    const throughputRows = (key: string, label: string, throughput: ThroughputResult, target: boolean): BenchRow[] => [
      {
        key: `mastra_rps_ratio${key}`,
        metric: `Mastra server req/s, ${label}, warm cache (10 connections)`,
        ours: throughput.servers.workos.rps,
        baseline: throughput.servers.open.rps,
        baselineName: 'no auth',
        ratio: throughput.ratio,
        unit: 'req/s',
        ...(target && { target: { on: 'ratio' as const, op: '>=' as const, value: 0.85 } }),
        ...(throughput.failures > 0 && { note: `${throughput.failures} failed requests` }),
      },
      {
        key: `mastra_rps_ratio_fixed_token_provider${key}`,
        metric: `Same route, a provider that only compares the token to a constant (Mastra's auth middleware alone)`,
        ours: throughput.servers.fixed.rps,
        baseline: throughput.servers.open.rps,
        baselineName: 'no auth',
        ratio: throughput.fixedRatio,
        unit: 'req/s',
      },
      {
        key: `mastra_rps_ratio_vs_fixed_token_provider${key}`,
        metric: 'Ours ÷ fixed-token provider (what our provider adds on top of the middleware)',
        ours: throughput.servers.workos.rps,
        baseline: throughput.servers.fixed.rps,
        baselineName: 'fixed token',
        unit: 'req/s',
      },
      {
        key: `mastra_cpu_per_request${key}`,
        metric: 'Cross-check: server CPU per request (ratio = no-auth CPU ÷ ours)',
        ours: throughput.servers.workos.cpuUsPerRequest,
        baseline: throughput.servers.open.cpuUsPerRequest,
        baselineName: 'no auth',
        ratio: throughput.cpuRatio,
        unit: 'µs',
        note: `fixed-token provider: ${throughput.servers.fixed.cpuUsPerRequest.toFixed(1)} µs, ratio ${throughput.fixedCpuRatio.toFixed(3)}`,
      },
    ];
    const throughputOptions = { rounds: 4, durationSec: config.durationSec, warmupSec: 1, connections: 10 };
    const generate = await timed('throughput (generate)', () => measureThroughput(emu, { ...throughputOptions, route: GENERATE }));
    rows.push(...throughputRows('', 'POST /api/agents/:id/generate (mock model)', generate, true));
    const listing = await timed('throughput (list agents)', () => measureThroughput(emu, { ...throughputOptions, route: LIST_AGENTS }));
    rows.push(...throughputRows('_list_agents', 'GET /api/agents (cheapest route: auth weighs most)', listing, false));

    const memory = await timed('memory', () => measureMemory(emu, { users: config.users, batchSize: 2_500 }));
    const atCap = memory.checkpoints.find((checkpoint) => checkpoint.users >= 10_000) ?? memory.after;
    rows.push(
      {
        key: 'rss_after_distinct_users',
        metric: `Provider process RSS after ${memory.users.toLocaleString('en-US')} distinct users (after GC)`,
        ours: memory.after.rssBytes / MB,
        baseline: memory.before.rssBytes / MB,
        baselineName: 'before',
        unit: 'MB',
      },
      ...(memory.users > 10_000
        ? [
            {
              key: 'rss_growth_beyond_cache_cap',
              metric: `RSS growth from 10,000 users (caches full) to ${memory.users.toLocaleString('en-US')}`,
              ours: (memory.after.rssBytes - atCap.rssBytes) / MB,
              unit: 'MB',
            },
          ]
        : []),
      {
        key: 'heap_after_distinct_users',
        metric: `Provider process heap used after ${memory.users.toLocaleString('en-US')} distinct users (after GC)`,
        ours: memory.after.heapUsedBytes / MB,
        baseline: atCap.heapUsedBytes / MB,
        baselineName: 'at 10,000 users',
        unit: 'MB',
      },
      {
        key: 'cached_users_after_distinct_users',
        metric: 'Cached users after the run (cap cache.maxSize = 10,000)',
        ours: memory.after.stats.cachedUsers,
        target: { on: 'ours', op: '<=', value: 10_000 },
      },
      {
        key: 'cached_tokens_after_distinct_users',
        metric: 'Cached verified tokens after the run (cap 10,000)',
        ours: memory.after.stats.cachedTokens,
        target: { on: 'ours', op: '<=', value: 10_000 },
      },
    );

    const scored = rows.map(score);
    const totalSec = Number(seconds(startedAt).toFixed(1));
    const misses = scored.filter((row) => row.pass === false).length;
    const details = {
      verifyTimedWorkosApiCalls: verify.timedWorkosApiCalls,
      invalidTokenKinds: invalid.counts,
      throughput: Object.fromEntries(
        Object.entries({ generate, listAgents: listing }).map(([route, throughput]) => [
          route,
          {
            runs: Object.fromEntries(Object.entries(throughput.servers).map(([kind, server]) => [kind, server.runs.map(Math.round)])),
            p99LatencyMs: Object.fromEntries(Object.entries(throughput.servers).map(([kind, server]) => [kind, server.p99LatencyMs])),
            cpuUsPerRequest: Object.fromEntries(
              Object.entries(throughput.servers).map(([kind, server]) => [kind, Number(server.cpuUsPerRequest.toFixed(1))]),
            ),
            providerStats: throughput.providerStats,
          },
        ]),
      ),
      memory: {
        authenticated: memory.authenticated,
        peakRssMB: Number((memory.peakRssBytes / MB).toFixed(1)),
        checkpoints: memory.checkpoints.map((checkpoint) => ({
          users: checkpoint.users,
          rssMB: Number((checkpoint.rssBytes / MB).toFixed(1)),
          heapUsedMB: Number((checkpoint.heapUsedBytes / MB).toFixed(1)),
          cachedUsers: checkpoint.stats.cachedUsers,
          cachedTokens: checkpoint.stats.cachedTokens,
        })),
      },
    };

    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`;
    process.stdout.write(`\n## @mastra/auth-workos benchmark (${machine})\n\n`);
    process.stdout.write(`${markdownTable(scored)}\n\n`);
    process.stdout.write(
      `Baselines: "bare jose jwtVerify" = jose jwtVerify with an imported public key, no JWKS, no WorkOS; ` +
        `"naive" = upstream-style: new remote JWKS + verify + getUser + listOrganizationMemberships per request; ` +
        `"no auth" = the same Mastra server without server.auth. ` +
        `RSS includes Node, tsx and @mastra/core (the "before" reading); heap is the live JS heap after a full GC.\n`,
    );
    process.stdout.write(`Memory checkpoints (users → RSS MB / cached users / cached tokens): ${details.memory.checkpoints
      .map((c) => `${c.users} → ${c.rssMB} / ${c.cachedUsers} / ${c.cachedTokens}`)
      .join('; ')}\n`);
    process.stdout.write(`Run time ${totalSec} s (${Object.entries(phases).map(([name, sec]) => `${name} ${sec} s`).join(', ')}). ` +
      `${misses === 0 ? 'All targets met.' : `${misses} target(s) MISSED.`}\n\n`);
    process.stdout.write(`${jsonLine(scored, { node: process.version, cpus: os.cpus().length, config, totalSec, phases, misses, details })}\n`);
  } finally {
    await emu.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
