/** A plain HTTP answer: status and parsed JSON body (or the raw text when it is not JSON). */
export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

export interface JsonRequestOptions {
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as `Authorization` verbatim (for other schemes or malformed values). */
  authorization?: string;
  /** JSON-encoded, with `Content-Type: application/json`. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request with `fetch`, the way `curl -H 'Content-Type: application/json' -d ...` would send it. */
export async function requestJson<T = unknown>(url: string, options: JsonRequestOptions = {}): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.Authorization = options.authorization;
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T };
}
