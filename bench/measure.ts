/**
 * Timing and concurrency helpers of the benchmark. Timings are medians of interleaved rounds:
 * our path and its baseline alternate (ABBA…) so clock drift, GC and thermal effects hit both.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface CallCost {
  /** Wall-clock nanoseconds per call. */
  wallNs: number;
  /** Process CPU nanoseconds per call (all threads: WebCrypto verifies on the libuv pool). */
  cpuNs: number;
}

/** Cost per call of `run` over `inputs`, one call at a time (each awaited). */
export async function costPerCall<T>(inputs: readonly T[], run: (input: T) => Promise<unknown>): Promise<CallCost> {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const input of inputs) await run(input);
  const wallNs = Number(process.hrtime.bigint() - start) / inputs.length;
  const cpu = process.cpuUsage(cpuStart);
  return { wallNs, cpuNs: ((cpu.user + cpu.system) * 1000) / inputs.length };
}

export interface PairTiming {
  /** Median wall-clock ns per call of our path. */
  oursNs: number;
  /** Median wall-clock ns per call of the baseline. */
  baselineNs: number;
  /** Median of the per-round wall-clock ratios ours ÷ baseline. */
  ratio: number;
  /** Median of the per-round CPU-time ratios: less sensitive to a noisy (shared) machine. */
  cpuRatio: number;
  rounds: number;
}

/**
 * Times two paths in `rounds` interleaved rounds: even rounds run ours first, odd rounds the
 * baseline first. `batchFor(round)` gives each round's inputs (both paths get the same ones).
 */
export async function timeInterleaved<T>(options: {
  rounds: number;
  batchFor: (round: number) => readonly T[];
  ours: (input: T) => Promise<unknown>;
  baseline: (input: T) => Promise<unknown>;
}): Promise<PairTiming> {
  const ours: number[] = [];
  const baseline: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const batch = options.batchFor(round);
    let oursCost: CallCost;
    let baselineCost: CallCost;
    if (round % 2 === 0) {
      oursCost = await costPerCall(batch, options.ours);
      baselineCost = await costPerCall(batch, options.baseline);
    } else {
      baselineCost = await costPerCall(batch, options.baseline);
      oursCost = await costPerCall(batch, options.ours);
    }
    ours.push(oursCost.wallNs);
    baseline.push(baselineCost.wallNs);
    ratios.push(oursCost.wallNs / baselineCost.wallNs);
    if (baselineCost.cpuNs > 0) cpuRatios.push(oursCost.cpuNs / baselineCost.cpuNs);
  }
  return {
    oursNs: median(ours),
    baselineNs: median(baseline),
    ratio: median(ratios),
    cpuRatio: median(cpuRatios),
    rounds: options.rounds,
  };
}

/** Runs `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await worker(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export function seconds(fromNs: bigint): number {
  return Number(process.hrtime.bigint() - fromNs) / 1e9;
}

export const MB = 1024 * 1024;
