import type { z } from 'zod'

/**
 * What `GET /v1/openapi.json` says about one route. Every read route declares one next to its handler;
 * routes/openapi.ts turns the list into OpenAPI 3.1, and openapi.test.ts checks that every route of the
 * app is listed and that real answers match `response`.
 */
export interface RouteSpec {
  method: 'get' | 'post'
  /** OpenAPI form: `/v1/sessions/{id}`. */
  path: string
  summary: string
  /** Path parameters, all UUIDs. */
  params?: string[]
  query?: z.ZodObject
  /** The 200 body; `null` for a non-JSON answer described by `contentType`. */
  response: z.ZodType | null
  contentType?: string
  /** Request body (POST). */
  body?: z.ZodType
  /** Success status, 200 unless said. */
  status?: number
  /** Which key the route takes: a read key unless said. */
  auth?: 'read' | 'site' | 'none'
  description?: string
}
