import { TestRunInput } from '@sightline/schema'
import { Hono } from 'hono'
import type { AppDeps } from '../app.js'
import { ApiError } from '../errors.js'
import { keyFrom, requireSiteKey } from './ingest.js'

/**
 * `POST /v1/test-runs`: creates a `test_runs` row for the site of the key, so that automated sessions
 * can be linked to it. Takes the site's public key, and only when the key allows automation; automation
 * clients (Playwright's Node side) send no Origin. Body: JSON (TestRunInput), at most 64 KiB.
 *
 * `POST /v1/test-runs/:id/finish` (`{ "status": "passed" | "failed" | "aborted" }`, same key rules) sets
 * the final status and `finished_at` of a running test run of the key's site; repeating it with the same
 * status answers the same (a retry), another status is a 409.
 */
export function testRunRoutes(deps: AppDeps) {
  return new Hono()
    .post('/v1/test-runs', async (c) => {
      const key = await requireSiteKey(deps, keyFrom(c.req), 'create test runs')
      if (!key.allowAutomation)
        throw new ApiError(403, 'automation_not_allowed', 'this site key does not allow automation')
      const text = await c.req.text()
      if (text.length > 64 * 1024)
        throw new ApiError(413, 'payload_too_large', 'a test run description is at most 64 KiB', {
          limitBytes: 64 * 1024,
        })
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch (error) {
        throw new ApiError(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`)
      }
      const parsed = TestRunInput.safeParse(body)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        throw new ApiError(
          400,
          'invalid_test_run',
          `invalid test run: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
        )
      }
      const run = parsed.data
      const sql = deps.sql
      const [row] = await sql<{ id: string }[]>`
      insert into test_runs (company_id, site_id, name, status, persona, platform_details, test_config, ai_metadata)
      values (${key.companyId}, ${key.siteId}, ${run.name}, 'running', ${sql.json(run.persona as never)},
              ${run.platformDetails ? sql.json(run.platformDetails as never) : null},
              ${run.testConfig ? sql.json(run.testConfig as never) : null},
              ${run.aiMetadata ? sql.json(run.aiMetadata as never) : null})
      returning id`
      return c.json({ id: row!.id }, 201)
    })
    .post('/v1/test-runs/:id/finish', async (c) => {
      const key = await requireSiteKey(deps, keyFrom(c.req), 'finish test runs')
      if (!key.allowAutomation)
        throw new ApiError(403, 'automation_not_allowed', 'this site key does not allow automation')
      const id = c.req.param('id')
      const text = await c.req.text()
      if (text.length > 1024)
        throw new ApiError(413, 'payload_too_large', 'a finish body is at most 1 KiB', { limitBytes: 1024 })
      let status: unknown
      try {
        status = (JSON.parse(text) as { status?: unknown } | null)?.status
      } catch (error) {
        throw new ApiError(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`)
      }
      if (typeof status !== 'string' || !FINAL_STATUSES.includes(status))
        throw new ApiError(
          400,
          'invalid_status',
          `status must be one of ${FINAL_STATUSES.join(', ')}, got ${JSON.stringify(status)}`,
        )
      const notFound = new ApiError(404, 'test_run_not_found', `no test run ${id} for this site`)
      if (!UUID.test(id)) throw notFound
      const sql = deps.sql
      const [row] = await sql<{ status: string; finishedAt: Date | null }[]>`
        update test_runs set status = ${status}, finished_at = coalesce(finished_at, now())
        where id = ${id} and site_id = ${key.siteId} and company_id = ${key.companyId}
          and (status = 'running' or status = ${status})
        returning status, finished_at as "finishedAt"`
      if (row) return c.json({ id, status: row.status, finishedAt: row.finishedAt?.toISOString() }, 200)
      const [other] = await sql<{ status: string }[]>`
        select status from test_runs where id = ${id} and site_id = ${key.siteId} and company_id = ${key.companyId}`
      if (!other) throw notFound
      throw new ApiError(409, 'test_run_finished', `test run ${id} already finished as ${other.status}`, {
        status: other.status,
      })
    })
}

const FINAL_STATUSES = ['passed', 'failed', 'aborted']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
