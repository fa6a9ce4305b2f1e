import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** A 4xx/5xx answer with the collector's JSON error body. Thrown anywhere on a request path. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return new Response(
      JSON.stringify({ error: { code: this.code, message: this.message, details: this.details } }),
      {
        status: this.status,
        headers: { 'content-type': 'application/json', ...this.headers, ...extraHeaders },
      },
    )
  }
}
