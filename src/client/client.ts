import { randomUUID } from 'node:crypto';
import { OPERATIONS, type operations } from './api-types';
import { HooklineApiError, HooklineConnectionError, HooklineTimeoutError } from './errors';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus, retryAfterMs, type RetryOptions } from './retry';

/** Every operation of the API, by the operationId of the OpenAPI document. */
export type OperationId = keyof typeof OPERATIONS & keyof operations;

type Defined<T> = Exclude<T, undefined>;
type Empty = Record<never, never>;

/** `{ [name]: T }`, optional when every field of T is, absent when the operation has none. */
type Slot<Name extends string, T> = [Defined<T>] extends [never]
  ? Empty
  : Empty extends Defined<T>
    ? { [K in Name]?: Defined<T> }
    : { [K in Name]: Defined<T> };

type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Parameters_<Op extends OperationId> = operations[Op]['parameters'];
type RequestBody<Op extends OperationId> = JsonContent<Defined<operations[Op]['requestBody']>>;

/**
 * What an operation takes: `path` parameters, `query`, `headers` and the JSON `body`, each present
 * only when the operation has it, and required when the API requires it.
 */
export type OperationInput<Op extends OperationId> = Slot<'path', Parameters_<Op>['path']> &
  Slot<'query', Parameters_<Op>['query']> &
  Slot<'headers', Parameters_<Op>['header']> &
  ([RequestBody<Op>] extends [never] ? Empty : { body: RequestBody<Op> });

type Responses<Op extends OperationId> = operations[Op]['responses'];
type SuccessStatus<Op extends OperationId> = Extract<keyof Responses<Op>, 200 | 201 | 202 | 203 | 204 | 206>;
type ResponseBody<R> = R extends { content: { 'application/json': infer Body } } ? Body : undefined;

/** The body of an operation's successful answer (`undefined` for a 204). */
export type OperationResult<Op extends OperationId> = ResponseBody<Responses<Op>[SuccessStatus<Op>]>;

/** A successful answer with its status and headers, from {@link HooklineClient.request}. */
export interface ApiResponse<Op extends OperationId> {
  status: number;
  headers: Headers;
  data: OperationResult<Op>;
}

/** Per call, on top of the client's options. */
export interface CallOptions {
  /** Ends the call, retries included, when aborted. */
  signal?: AbortSignal;
  /** Overrides the client's {@link HooklineClientOptions.timeoutMs} for this call. */
  timeoutMs?: number;
  /** Overrides the client's {@link HooklineClientOptions.retry} for this call. */
  retry?: RetryOptions;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

type OperationArgs<Op extends OperationId> =
  Empty extends OperationInput<Op>
    ? [input?: OperationInput<Op>, options?: CallOptions]
    : [input: OperationInput<Op>, options?: CallOptions];

/**
 * One method per operation of the API, named by its operationId, taking {@link OperationInput} and
 * resolving to the answer's body; errors are {@link HooklineApiError}, {@link HooklineTimeoutError}
 * or {@link HooklineConnectionError}.
 */
export type HooklineClient = {
  [Op in OperationId]: (...args: OperationArgs<Op>) => Promise<OperationResult<Op>>;
} & {
  /** Any operation by its operationId, resolving to the status, headers and body of the answer. */
  request<Op extends OperationId>(operationId: Op, ...args: OperationArgs<Op>): Promise<ApiResponse<Op>>;
};

export interface HooklineClientOptions {
  /** Where the API listens, such as `https://hookline.example.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; the health and OpenAPI operations need none. */
  apiKey?: string;
  /** How long a call may take, its retries and their waits included. @default 30_000 */
  timeoutMs?: number;
  /**
   * Retries of 429 (any operation: the request was not processed) and of 500, 502, 503, 504 and lost
   * connections (only operations that are safe to repeat: reads, deletes, and emits, whose event id
   * makes a repeat harmless). A `Retry-After` is waited for, within `maxDelayMs`.
   */
  retry?: RetryOptions;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

export const DEFAULT_CLIENT_TIMEOUT_MS = 30_000;

/** Methods whose repetition leaves the server as one request would. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Operations made safe to repeat by the client: it fixes the event id before the first attempt. */
const IDEMPOTENT_BY_EVENT_ID: ReadonlySet<OperationId> = new Set<OperationId>(['emitEvent']);

interface LooseInput {
  path?: Record<string, string | number>;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A typed client for the whole Hookline API, generated from its OpenAPI document.
 *
 * An emit without an `id` (and without an `Idempotency-Key` header) gets a new one before its first
 * attempt, so the client's own retries of it deliver once; a caller that retries an emit by itself sets
 * the `id` (or an `Idempotency-Key`) to get the same.
 */
export function createHooklineClient(options: HooklineClientOptions): HooklineClient {
  const baseUrl = new URL(options.baseUrl).toString().replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('options.fetch: no fetch implementation available');
  const clientTimeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
  if (!(clientTimeoutMs > 0)) throw new RangeError('options.timeoutMs must be a positive number of milliseconds');

  async function request(operationId: OperationId, input: LooseInput = {}, call: CallOptions = {}) {
    const operation = OPERATIONS[operationId];
    if (!operation) throw new TypeError(`Unknown operation ${String(operationId)}`);
    const { method, path } = operation;
    const retry = { ...DEFAULT_RETRY, ...options.retry, ...call.retry };
    const timeoutMs = call.timeoutMs ?? clientTimeoutMs;
    const deadline = Date.now() + timeoutMs;

    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...options.headers,
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...input.headers,
      ...call.headers,
    };
    let body = input.body;
    if (IDEMPOTENT_BY_EVENT_ID.has(operationId) && needsEventId(body, headers)) {
      body = { ...body, id: `evt_${randomUUID()}` };
    }
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const url = baseUrl + fillPath(path, input.path) + queryString(input.query);
    const repeatable = IDEMPOTENT_METHODS.has(method) || IDEMPOTENT_BY_EVENT_ID.has(operationId);

    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new HooklineTimeoutError(operationId, timeoutMs);
      const timeout = AbortSignal.timeout(remaining);
      const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
      let response: Response;
      let data: unknown;
      try {
        response = await fetchImpl(url, { method, headers, body: payload, signal });
        data = await readBody(response);
      } catch (err) {
        if (call.signal?.aborted) throw new HooklineConnectionError(operationId, { cause: call.signal.reason });
        if (timeout.aborted) throw new HooklineTimeoutError(operationId, timeoutMs, { cause: err });
        const wait = backoffMs(attempt, retry.baseDelayMs, retry.maxDelayMs);
        if (!repeatable || attempt >= retry.maxRetries || Date.now() + wait >= deadline) {
          throw new HooklineConnectionError(operationId, { cause: err });
        }
        await pause(operationId, wait, call.signal);
        continue;
      }
      if (response.ok) return { status: response.status, headers: response.headers, data };

      const askedMs = retryAfterMs(response.headers.get('retry-after'));
      const error = new HooklineApiError(
        operationId,
        response.status,
        data,
        askedMs === undefined ? undefined : Math.ceil(askedMs / 1000),
      );
      const retryable = response.status === 429 || (repeatable && isRetryableStatus(response.status));
      const wait = askedMs ?? backoffMs(attempt, retry.baseDelayMs, retry.maxDelayMs);
      if (!retryable || attempt >= retry.maxRetries || wait > retry.maxDelayMs || Date.now() + wait >= deadline) {
        throw error;
      }
      await pause(operationId, wait, call.signal);
    }
  }

  const client: Record<string, unknown> = {
    request: (operationId: OperationId, input?: LooseInput, call?: CallOptions) => request(operationId, input, call),
  };
  for (const operationId of Object.keys(OPERATIONS) as OperationId[]) {
    client[operationId] = async (input?: LooseInput, call?: CallOptions) =>
      (await request(operationId, input, call)).data;
  }
  // The mapped type is what the loop above builds; TypeScript cannot follow a loop over keys.
  return client as unknown as HooklineClient;
}

function needsEventId(body: unknown, headers: Record<string, string>): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if ((body as { id?: unknown }).id !== undefined) return false;
  return !Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key');
}

function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`The path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  if (!/[/+]json\b/i.test(response.headers.get('content-type') ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Waits between attempts; the caller's abort ends the wait and the call. */
async function pause(operationId: OperationId, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const completed = await new Promise<boolean>((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  if (!completed) throw new HooklineConnectionError(operationId, { cause: signal?.reason });
}
