/**
 * Runs `task` over `items` with at most `limit` tasks in flight, keeping results in input order.
 * Once `shouldStop()` turns true no new task starts; items never started get `skipped`.
 * (A small worker pool rather than fixed batches: one slow call does not idle the other slots.)
 * `task` should not reject: callers turn failures into results.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  options: { shouldStop?: () => boolean; skipped: R },
): Promise<R[]> {
  const results = new Array<R>(items.length).fill(options.skipped);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !options.shouldStop?.()) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}
