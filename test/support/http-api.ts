export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export type ApiCall = <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

/** Calls a running Hookline API as a service would: the key as a bearer token, JSON both ways, a deadline. */
export function apiCaller(baseUrl: string, key: string, timeoutMs = 15_000): ApiCall {
  return async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const json: unknown = /json/.test(response.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: json as T };
  };
}
