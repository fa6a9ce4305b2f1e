import { createSseParser } from './sse.js'
import type { LiveEvent } from './types.js'

/** An answer of the query API that is not 2xx: its `{ error: { code, message } }`, or the status alone. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export type Params = Record<string, string | number | null | undefined>

export interface Api {
  get<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T>
  /** Reads GET /v1/live until `signal` aborts or the stream ends (then it rejects or resolves). */
  live(handlers: { onOpen(): void; onEvent(event: LiveEvent): void }, signal: AbortSignal): Promise<void>
}

export function queryString(params: Params = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
  return new ApiError(
    res.status,
    body?.error?.code ?? `http_${res.status}`,
    body?.error?.message ?? res.statusText,
  )
}

/** The query API with a read key sent as a Bearer token on every call. */
export function createApi(key: string, base = ''): Api {
  const headers = { authorization: `Bearer ${key}` }
  return {
    async get<T>(path: string, params?: Params, signal?: AbortSignal) {
      const res = await fetch(`${base}${path}${queryString(params)}`, {
        headers,
        ...(signal ? { signal } : {}),
      })
      if (!res.ok) throw await failure(res)
      return (await res.json()) as T
    },
    async live({ onOpen, onEvent }, signal) {
      const res = await fetch(`${base}/v1/live`, {
        headers: { ...headers, accept: 'text/event-stream' },
        signal,
      })
      if (!res.ok || !res.body) throw await failure(res)
      onOpen()
      const push = createSseParser((type, data) => {
        if (type !== 'session' && type !== 'signal') return
        try {
          onEvent({ type, data: JSON.parse(data) } as LiveEvent)
        } catch {
          // A malformed event is skipped; the stream goes on.
        }
      })
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        push(value)
      }
    },
  }
}
