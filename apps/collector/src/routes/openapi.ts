import * as schema from '@sightline/schema'
import { Hono } from 'hono'
import { z } from 'zod'
import type { RouteSpec } from './query/spec.js'

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` })

/** Answers of the ingest routes, declared here because their handlers build them by hand. */
const BatchAccepted = z.strictObject({
  ok: z.literal(true),
  duplicate: z.boolean(),
  accepted: z.number().int(),
  rejected: z.array(z.strictObject({ index: z.number().int(), reason: z.string(), message: z.string() })),
})
const TestRunCreated = z.strictObject({ id: z.guid() })
const TestRunFinish = z.strictObject({ status: z.enum(['passed', 'failed', 'aborted']) })
const TestRunFinished = z.strictObject({
  id: z.guid(),
  status: z.enum(['passed', 'failed', 'aborted']),
  finishedAt: z.iso.datetime(),
})

/** Ingest routes (site key), so that the document covers every /v1 route. */
export const ingestSpecs: RouteSpec[] = [
  {
    method: 'post',
    path: '/v1/batch',
    summary: 'Ingest one batch of events (site key; see docs/api.md for the order of checks)',
    auth: 'site',
    body: schema.Batch,
    response: BatchAccepted,
  },
  {
    method: 'post',
    path: '/v1/test-runs',
    summary: 'Create a test run that automated sessions link to (site key allowing automation)',
    auth: 'site',
    body: schema.TestRunInput,
    response: TestRunCreated,
    status: 201,
  },
  {
    method: 'post',
    path: '/v1/test-runs/{id}/finish',
    summary:
      'Set the final status of a running test run (site key; the same status again is a no-op, another is 409)',
    auth: 'site',
    params: ['id'],
    body: TestRunFinish,
    response: TestRunFinished,
  },
]

/** Shared schemas named in components (referenced with $ref wherever they appear). */
const NAMED: Record<string, z.ZodType> = {
  Error: schema.ApiErrorBody,
  Vitals: schema.Vitals,
  SessionSummary: schema.SessionSummary,
  SessionDetail: schema.SessionDetail,
  TimelineEvent: schema.TimelineEvent,
  ReplaySegment: schema.ReplaySegment,
  LiveSession: schema.LiveSessionEvent,
  LiveSignal: schema.LiveSignalEvent,
  SitesResponse: schema.SitesResponse,
  SessionsResponse: schema.SessionsResponse,
  SessionResponse: schema.SessionResponse,
  EventsResponse: schema.EventsResponse,
  ReplayResponse: schema.ReplayResponse,
  Signal: schema.Signal,
  SignalsResponse: schema.SignalsResponse,
  SessionSignalsResponse: schema.SessionSignalsResponse,
  VitalsResponse: schema.VitalsResponse,
  TestRunsResponse: schema.TestRunsResponse,
  TestRunResponse: schema.TestRunResponse,
  Batch: schema.Batch,
  BatchAccepted,
  TestRunInput: schema.TestRunInput,
  TestRunCreated,
  TestRunFinish,
  TestRunFinished,
}

const ERRORS: Record<string, string> = {
  '400': 'a parameter is invalid (details.parameter names it)',
  '401': 'no key, an unknown key or a revoked key',
  '403': 'a key of the wrong kind (a site key on a read route, a read key on ingest)',
  '404': 'no such resource for this company (another company’s id is a 404 too)',
  '503': 'the database is unavailable or the query took too long; retry later',
}

function parameters(spec: RouteSpec) {
  const path = (spec.params ?? []).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  }))
  if (!spec.query) return path
  const json = z.toJSONSchema(spec.query, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { description?: string } & Record<string, unknown>>
    required?: string[]
  }
  const query = Object.entries(json.properties ?? {}).map(([name, { description, ...s }]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: s,
  }))
  return [...path, ...query]
}

/** OpenAPI 3.1 (JSON Schema 2020-12) from the routes' zod schemas. */
export function buildOpenApi(specs: RouteSpec[]) {
  const registry = z.registry<{ id: string }>()
  for (const [id, s] of Object.entries(NAMED)) registry.add(s, { id })
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> }
  for (const s of Object.values(schemas)) {
    delete s.$schema
    delete s.$id
  }
  const idOf = (s: z.ZodType) => {
    const id = registry.get(s)?.id
    if (!id) throw new Error('a route schema is missing from NAMED in routes/openapi.ts')
    return id
  }
  const paths: Record<string, Record<string, unknown>> = {}
  for (const spec of specs) {
    const ok = spec.response
      ? { 'application/json': { schema: ref(idOf(spec.response)) } }
      : { [spec.contentType ?? 'application/octet-stream']: { schema: { type: 'string' } } }
    const errors = Object.fromEntries(
      Object.entries(ERRORS).map(([code, description]) => [
        code,
        { description, content: { 'application/json': { schema: ref('Error') } } },
      ]),
    )
    paths[spec.path] ??= {}
    paths[spec.path]![spec.method] = {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      security: spec.auth === 'none' ? [] : [{ [spec.auth === 'site' ? 'siteKey' : 'readKey']: [] }],
      parameters: parameters(spec),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: ref(idOf(spec.body)) } },
            },
          }
        : {}),
      responses: { [String(spec.status ?? 200)]: { description: 'OK', content: ok }, ...errors },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline collector API',
      version: '1',
      description:
        'Reads need a read key (Authorization: Bearer slr_…); ingest needs a site key. See docs/api.md.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        readKey: { type: 'http', scheme: 'bearer', description: 'a read key (slr_…) or admin key' },
        siteKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Sightline-Key',
          description: 'a public site key (slp_…)',
        },
      },
    },
  }
}

export function openApiRoutes(specs: RouteSpec[]) {
  let document: string | undefined
  return new Hono().get('/v1/openapi.json', (c) => {
    document ??= JSON.stringify(buildOpenApi(specs))
    return c.body(document, 200, {
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
    })
  })
}

export const openApiSpec: RouteSpec = {
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'This document',
  auth: 'none',
  response: null,
  contentType: 'application/json',
}
