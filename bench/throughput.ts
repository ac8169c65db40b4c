/**
 * Requests per second through a real Mastra server with our provider, against the same server
 * without auth, on one route (the cheapest, `GET /api/agents`, where auth weighs most, or an agent
 * `generate` call, what clients actually do), warm cache. A third server whose provider only compares the
 * token with a constant shows what Mastra's own auth middleware costs, so the remainder is ours.
 * The servers run in a child process (their own core); autocannon runs here. Every round runs
 * each server once, in a rotating order, with the same settings.
 */
import autocannon, { type AutocannonResult } from 'autocannon';
import type { MastraAuthWorkosStats } from '../src';
import type { WorkOSEmulator } from '../src/testing';
import { ChildLink } from './child';
import { median } from './measure';
import type { ServerChildMessage, ServerParentMessage } from './server-child';

/** The request autocannon sends. */
export interface ThroughputRoute {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export const LIST_AGENTS: ThroughputRoute = { method: 'GET', path: '/api/agents' };
export const GENERATE: ThroughputRoute = {
  method: 'POST',
  path: '/api/agents/benchAgent/generate',
  body: JSON.stringify({ messages: 'Weather in London' }),
};

export interface ThroughputOptions {
  route: ThroughputRoute;
  /** Timed runs per server. */
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
}

export type ServerKind = 'workos' | 'fixed' | 'open';

export interface ServerThroughput {
  /** Median req/s (2xx only) over the rounds. */
  rps: number;
  runs: number[];
  p99LatencyMs: number;
  /** Median server-process CPU time per request, in µs (steadier than req/s on a shared machine). */
  cpuUsPerRequest: number;
}

export interface ThroughputResult {
  servers: Record<ServerKind, ServerThroughput>;
  /** workos ÷ open. */
  ratio: number;
  /** fixed ÷ open: the share Mastra's auth middleware takes by itself. */
  fixedRatio: number;
  /** open ÷ workos CPU per request: the req/s ratio a CPU-bound server would reach. */
  cpuRatio: number;
  fixedCpuRatio: number;
  /** Non-2xx answers or socket errors during timed runs (expected 0). */
  failures: number;
  /** Provider counters after the runs: a warm cache means one getUser and one JWKS fetch in total. */
  providerStats: MastraAuthWorkosStats;
}

interface Run {
  result: AutocannonResult;
  cpuUsPerRequest: number;
}
const KINDS: readonly ServerKind[] = ['open', 'workos', 'fixed'];

export async function measureThroughput(emu: WorkOSEmulator, options: ThroughputOptions): Promise<ThroughputResult> {
  const user = emu.createUser({ email: `throughput-${options.route.method.toLowerCase()}-${Date.now()}@bench.test`, firstName: 'Load' });
  const token = await emu.mintAccessToken({ sub: user.id });
  const child = ChildLink.fork<ServerParentMessage, ServerChildMessage>(new URL('./server-child.ts', import.meta.url));
  try {
    const urls = await child.request({ type: 'start', connection: emu.connection, fixedToken: token }, 'ready');
    const { method, path, body } = options.route;
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    };
    const request = { method, headers, ...(body !== undefined && { body }) };
    const targets: Record<ServerKind, { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }> = {
      workos: { url: `${urls.authUrl}${path}`, ...request },
      fixed: { url: `${urls.fixedUrl}${path}`, ...request },
      open: { url: `${urls.openUrl}${path}`, ...request },
    };

    const withToken = await fetch(targets.workos.url, request);
    const { authorization: _, ...anonymous } = headers;
    const withoutToken = await fetch(targets.workos.url, { ...request, headers: anonymous });
    if (withToken.status !== 200 || withoutToken.status !== 401) {
      throw new Error(`throughput setup: expected 200 with the token and 401 without, got ${withToken.status} and ${withoutToken.status}`);
    }

    const run = async (kind: ServerKind, duration: number): Promise<Run> => {
      const before = await child.request({ type: 'cpu' }, 'cpu');
      const result = await autocannon({ ...targets[kind], connections: options.connections, pipelining: 1, duration });
      const after = await child.request({ type: 'cpu' }, 'cpu');
      const requests = result['2xx'] + result.non2xx;
      return { result, cpuUsPerRequest: requests > 0 ? (after.cpuUs - before.cpuUs) / requests : Number.NaN };
    };
    for (const kind of KINDS) await run(kind, options.warmupSec);

    const results: Record<ServerKind, Run[]> = { workos: [], fixed: [], open: [] };
    for (let round = 0; round < options.rounds; round += 1) {
      for (let i = 0; i < KINDS.length; i += 1) {
        const kind = KINDS[(i + round) % KINDS.length]!;
        results[kind].push(await run(kind, options.durationSec));
      }
    }

    const summarise = (runs: Run[]): ServerThroughput => {
      const rps = runs.map(({ result }) => result['2xx'] / result.duration);
      return {
        rps: median(rps),
        runs: rps,
        p99LatencyMs: median(runs.map(({ result }) => result.latency.p99)),
        cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
      };
    };
    const servers = { workos: summarise(results.workos), fixed: summarise(results.fixed), open: summarise(results.open) };
    const failures = Object.values(results)
      .flat()
      .reduce((sum, { result }) => sum + result.non2xx + result.errors + result.timeouts, 0);
    const { stats } = await child.request({ type: 'stats' }, 'stats');
    return {
      servers,
      ratio: servers.workos.rps / servers.open.rps,
      fixedRatio: servers.fixed.rps / servers.open.rps,
      cpuRatio: servers.open.cpuUsPerRequest / servers.workos.cpuUsPerRequest,
      fixedCpuRatio: servers.open.cpuUsPerRequest / servers.fixed.cpuUsPerRequest,
      failures,
      providerStats: stats,
    };
  } finally {
    await child.stop({ type: 'stop' });
  }
}
