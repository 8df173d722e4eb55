/**
 * The one way the pages talk to the API: bearer token, JSON in and out, a timeout, and every failure as an
 * ApiError with a status, a code and a message a person can act on.
 *
 * Error shapes understood: the API's `{"error":{"code","message","field"?}}`; API Gateway's own
 * `{"message":"Unauthorized"}` (401) and `{"message":"Not Found"}` (404: the route does not exist, e.g. a
 * feature not deployed yet); `Retry-After` on 429 and 503; no answer at all (network) and a timeout.
 */

export class ApiError extends Error {
  /**
   * @param {{status: number, code: string, message: string, field?: string|null, retryAfter?: number|null, body?: any}} p
   */
  constructor({ status, code, message, field = null, retryAfter = null, body = null }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
    this.body = body;
  }

  /** No answer from the server (network down, DNS, CORS refused, timeout). */
  get isNetwork() {
    return this.status === 0;
  }

  /** Worth retrying later by itself: no answer, 5xx, 429. */
  get isTransient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }

  /** The route does not exist here (API Gateway's own 404): the feature is not deployed. */
  get isMissingRoute() {
    return this.status === 404 && this.code === 'route_not_found';
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value, nowMs = Date.now()) {
  if (value == null || value === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Builds the ApiError of a non-2xx response from its status, headers and parsed body. */
export function errorFrom(status, body, retryAfterHeader) {
  const retryAfter = parseRetryAfter(retryAfterHeader);
  const e = body && typeof body === 'object' ? body.error : null;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    return new ApiError({ status, code: e.code, message: e.message || e.code, field: e.field ?? null, retryAfter, body });
  }
  const gatewayMessage = body && typeof body.message === 'string' ? body.message : null;
  if (status === 401) return new ApiError({ status, code: 'unauthorized', message: gatewayMessage || 'Unauthorized', retryAfter, body });
  if (status === 404) return new ApiError({ status, code: 'route_not_found', message: gatewayMessage || 'Not Found', retryAfter, body });
  if (status === 429) return new ApiError({ status, code: 'rate_limited', message: gatewayMessage || 'Too many requests', retryAfter, body });
  return new ApiError({ status, code: status >= 500 ? 'unavailable' : 'http_' + status, message: gatewayMessage || `HTTP ${status}`, retryAfter, body });
}

/**
 * What to tell a person about an error, and what they can do.
 * @param {unknown} error
 */
export function describeError(error) {
  if (!(error instanceof ApiError)) return 'Something went wrong in this page. Reload it to try again.';
  if (error.status === 0) return error.code === 'timeout'
    ? 'The server took too long to answer. Check your connection; it will be retried.'
    : 'Cannot reach MallQuest. Check your connection; it will be retried.';
  if (error.status === 401) return 'Your sign-in has expired or is not valid. Sign in again.';
  if (error.status === 403) return 'Your account may not do this.';
  if (error.status === 429) return `Too many requests. Wait ${error.retryAfter ?? 'a few'} seconds, then try again.`;
  if (error.status === 503) return `MallQuest is briefly unavailable. Try again in ${error.retryAfter ?? 'a few'} seconds.`;
  if (error.status >= 500) return 'MallQuest had a problem answering. Try again in a moment.';
  return error.message;
}

/**
 * @param {{baseUrl?: string, getToken?: () => string | null, onUnauthorized?: (e: ApiError) => void,
 *          fetchImpl?: typeof fetch, timeoutMs?: number}} options
 */
export function createClient({ baseUrl = '', getToken = () => null, onUnauthorized = () => {}, fetchImpl = (...a) => globalThis.fetch(...a), timeoutMs = 10000 } = {}) {
  /** Server time minus this browser's, from the last Date header seen (ms). */
  let skewMs = 0;

  async function request(method, path, { query, body, signal, headers: extra } = {}) {
    const url = new URL(baseUrl + path, globalThis.location?.origin ?? 'http://localhost');
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const headers = { Accept: 'application/json', ...(extra ?? {}) };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const onAbort = () => timeout.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let response;
    try {
      response = await fetchImpl(url.toString(), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: timeout.signal });
    } catch (cause) {
      const timedOut = timeout.signal.aborted && !signal?.aborted;
      throw new ApiError({ status: 0, code: signal?.aborted ? 'aborted' : timedOut ? 'timeout' : 'network', message: timedOut ? 'Timed out' : String(cause?.message ?? cause) });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const date = Date.parse(response.headers.get('Date') ?? '');
    // A Date header has whole seconds: only a skew beyond that is believed.
    if (!Number.isNaN(date)) skewMs = Math.abs(date - Date.now()) > 2000 ? date - Date.now() : 0;
    const text = await response.text().catch(() => '');
    let parsed = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!response.ok) {
      const error = errorFrom(response.status, parsed, response.headers.get('Retry-After'));
      if (response.status === 401) onUnauthorized(error);
      throw error;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  return {
    /** GET → the parsed body. */
    get: async (path, options) => (await request('GET', path, options)).body,
    /** POST → {status, body} (201 vs 200 replay vs 202 pending matter to callers). */
    post: (path, body, options) => request('POST', path, { ...options, body }),
    /** PUT → {status, body, headers} (201 created vs 200 replaced; `headers: {'If-Match': etag}` for a versioned replace). */
    put: (path, body, options) => request('PUT', path, { ...options, body }),
    /** DELETE → {status, body, headers}. */
    delete: (path, options) => request('DELETE', path, options),
    request,
    /** The server's clock in ms since the epoch, as far as its last Date header tells. */
    serverNow: () => Date.now() + skewMs,
  };
}
