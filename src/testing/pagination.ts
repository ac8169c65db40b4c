import { unprocessable } from './errors';

/** WorkOS list limits: 10 by default, at most 100. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

/** Cursor pagination parameters of every WorkOS list endpoint. */
export interface PageParams {
  limit: number;
  after?: string;
  before?: string;
  /** WorkOS lists newest first unless `order=asc` (the SDK always sends `order`, default `desc`). */
  order: 'asc' | 'desc';
}

export interface Page<T> {
  data: T[];
  listMetadata: { before: string | null; after: string | null };
}

/**
 * Remembers the creation rank of every id ever created, including deleted ones, so a cursor
 * pointing at a deleted item still pages correctly and user-chosen ids sort by creation too.
 */
export class CreationOrder {
  private readonly ranks = new Map<string, number>();
  private next = 0;

  register(id: string): void {
    if (!this.ranks.has(id)) this.ranks.set(id, this.next++);
  }

  rankOf(id: string): number | undefined {
    return this.ranks.get(id);
  }

  clear(): void {
    this.ranks.clear();
    this.next = 0;
  }
}

/** Reads `limit`, `after`, `before`, `order` from a query string; 422 when they are malformed. */
export function parsePageParams(query: URLSearchParams): PageParams {
  const rawLimit = query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw unprocessable(`limit must be an integer between 1 and ${MAX_LIMIT}, got '${rawLimit}'.`);
    }
  }
  const rawOrder = query.get('order') ?? 'desc';
  if (rawOrder !== 'asc' && rawOrder !== 'desc') throw unprocessable(`order must be 'asc' or 'desc', got '${rawOrder}'.`);
  const params: PageParams = { limit, order: rawOrder };
  const after = query.get('after');
  const before = query.get('before');
  if (after) params.after = after;
  if (before) params.before = before;
  return params;
}

/** One page of `items` (any order) sorted by creation in the requested direction. */
export function paginate<T extends { id: string }>(items: readonly T[], params: PageParams, order: CreationOrder): Page<T> {
  const direction = params.order === 'asc' ? 1 : -1;
  const rank = (id: string): number => (order.rankOf(id) ?? Number.MAX_SAFE_INTEGER) * direction;
  const sorted = [...items].sort((a, b) => rank(a.id) - rank(b.id));

  let start = 0;
  let end = Math.min(params.limit, sorted.length);
  if (params.after !== undefined) {
    const cursor = cursorRank(params.after, rank, order);
    start = indexWhere(sorted, (item) => rank(item.id) > cursor);
    end = Math.min(start + params.limit, sorted.length);
  } else if (params.before !== undefined) {
    const cursor = cursorRank(params.before, rank, order);
    end = indexWhere(sorted, (item) => rank(item.id) >= cursor);
    start = Math.max(0, end - params.limit);
  }

  const data = sorted.slice(start, end);
  const first = data[0];
  const last = data[data.length - 1];
  return {
    data,
    listMetadata: {
      before: start > 0 && first ? first.id : null,
      after: end < sorted.length && last ? last.id : null,
    },
  };
}

function cursorRank(cursor: string, rank: (id: string) => number, order: CreationOrder): number {
  if (order.rankOf(cursor) === undefined) throw unprocessable(`Unknown pagination cursor '${cursor}'.`, 'invalid_cursor');
  return rank(cursor);
}

/** Index of the first matching item, or `items.length`. */
function indexWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  const index = items.findIndex(predicate);
  return index === -1 ? items.length : index;
}
