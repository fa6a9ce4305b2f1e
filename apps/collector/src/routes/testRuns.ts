import { TestRunInput } from '@sightline/schema'
import { Hono } from 'hono'
import type { AppDeps } from '../app.js'
import { ApiError } from '../errors.js'
import { keyFrom, requireSiteKey } from './ingest.js'

/**
 * `POST /v1/test-runs`: creates a `test_runs` row for the site of the key, so that automated sessions
 * can be linked to it. Takes the site's public key, and only when the key allows automation; automation
 * clients (Playwright's Node side) send no Origin. Body: JSON (TestRunInput), at most 64 KiB.
 */
export function testRunRoutes(deps: AppDeps) {
  return new Hono().post('/v1/test-runs', async (c) => {
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
}
