import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, type SightlineSummary, test } from '@sightline/playwright/test'
import { sql } from './lib/db.js'

const SITE = process.env.E2E_SITE_URL!
const persona = { name: 'Fixture Tester', age: 35, techLiteracy: 'expert', goals: ['Use the fixture'] }

test.use({
  sightlineOptions: {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
    testRun: { persona },
  },
})

test('the sightline fixture records the test’s context, its test.step titles and a test run named after it', async ({
  page,
  sightline,
}) => {
  expect(sightline.testRunId).toMatch(/^[0-9a-f-]{36}$/)
  await page.goto(`${SITE}/plain.html`)
  const answer = await test.step('press go', async () => {
    await page.click('#go')
    return 'pressed'
  })
  expect(answer).toBe('pressed')
  await sightline.flush()
  const [sessionId] = await sightline.sessionIds()
  const steps =
    await sql`select props from custom_events where user_session_id = ${sessionId!} and name = 'test.step'`
  expect(steps.map((r) => [r.props.title, r.props.phase, r.props.status])).toEqual([
    ['press go', 'start', undefined],
    ['press go', 'end', 'passed'],
  ])
  const [run] =
    await sql`select name, status, persona, test_config from test_runs where id = ${sightline.testRunId!}`
  expect(run).toMatchObject({
    name: 'the sightline fixture records the test’s context, its test.step titles and a test run named after it',
    status: 'running',
    persona,
    test_config: { playwright: { file: 'fixture.e2e.ts', project: '', retry: 0, line: expect.any(Number) } },
  })
  const [session] = await sql`select actor, test_run_id from user_sessions where id = ${sessionId!}`
  expect(session).toEqual({ actor: 'automation', test_run_id: sightline.testRunId })
})

type JsonResult = {
  status: string
  errors: { message?: string }[]
  attachments: { name: string; body?: string }[]
}
type JsonSpec = { title: string; tests: { results: JsonResult[] }[] }

test('specs written with @sightline/playwright/test: summary attached to the report, failing matcher messages, runs finished with the test’s status, step locations in the spec', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-fixture-run-'))
  const here = path.dirname(fileURLToPath(import.meta.url))
  const run = spawnSync(
    path.join(here, 'node_modules/.bin/playwright'),
    ['test', '-c', path.join(here, 'fixture-run/playwright.config.ts')],
    {
      cwd: here,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        SIGHTLINE_COLLECTOR: process.env.E2E_COLLECTOR_URL,
        SIGHTLINE_SITE_KEY: process.env.E2E_SITE_KEY,
        PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(dir, 'report.json'),
        FIXTURE_RUN_STEPS: path.join(dir, 'steps.json'),
        FIXTURE_RUN_OUTPUT: path.join(dir, 'output'),
      },
    },
  )
  expect(run.error).toBeUndefined()
  expect(run.status, run.stderr).toBe(1) // one of the two specs fails, on purpose
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))
  const specs: JsonSpec[] = report.suites.flatMap((s: { specs: JsonSpec[] }) => s.specs)
  const result = (title: string) => specs.find((s) => s.title === title)!.tests[0]!.results[0]!
  const summaryOf = (r: JsonResult): SightlineSummary =>
    JSON.parse(
      Buffer.from(r.attachments.find((a) => a.name === 'sightline-summary.json')!.body!, 'base64').toString(),
    )

  const clean = result('clean page')
  expect(clean.status).toBe('passed')
  const cleanSummary = summaryOf(clean)
  expect(cleanSummary).toMatchObject({
    testRunId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    sessionIds: [expect.any(String)],
    frustrationSignals: [],
    consoleErrors: [],
    errors: [],
    steps: [{ title: 'press go', status: 'passed' }],
  })
  expect(cleanSummary.counts.click).toBe(1)

  const dead = result('dead click')
  expect(dead.status).toBe('failed')
  expect(dead.errors[0]!.message).toMatch(
    new RegExp(
      [
        'expect\\(sightline\\)\\.toHaveNoFrustrationSignals\\(\\)',
        '',
        'Expected no frustration signals, found 1:',
        String.raw`  - dead_click on button#nothing \(no_reaction\) — page ${SITE}/ at \d\d:\d\d:\d\d\.\d{3} \(\+\d+\.\d{3} s\) in step "poke the dead button"`,
      ].join('\n'),
    ),
  )
  const deadSummary = summaryOf(dead)
  expect(deadSummary.frustrationSignals.map((s) => s.kind)).toEqual(['dead_click'])

  // Each test is a test run of its own, finished with the test's outcome.
  const runs = await sql`select id, name, status, finished_at, ai_metadata, test_config from test_runs
    where id in ${sql([cleanSummary.testRunId!, deadSummary.testRunId!])} order by name`
  expect(runs).toEqual([
    expect.objectContaining({
      name: 'clean page',
      status: 'passed',
      finished_at: expect.any(Date),
      ai_metadata: { models: { planner: 'none' }, tokensUsed: 0 },
      test_config: { playwright: { project: '', file: 'recorded.spec.ts', line: 15, retry: 0 } },
    }),
    expect.objectContaining({ name: 'dead click', status: 'failed', finished_at: expect.any(Date) }),
  ])
  const stepRows = await sql`select props from custom_events
    where user_session_id = ${deadSummary.sessionIds[0]!} and name = 'test.step'`
  expect(stepRows.map((r) => `${r.props.title} ${r.props.phase}`)).toEqual([
    'poke the dead button start',
    'poke the dead button end',
  ])

  // Playwright's report points at the spec's test.step lines, not at the fixture's wrapper.
  const steps = JSON.parse(readFileSync(path.join(dir, 'steps.json'), 'utf8'))
  expect(steps).toEqual([
    {
      test: 'clean page',
      title: 'press go',
      file: expect.stringMatching(/fixture-run\/recorded\.spec\.ts$/),
      line: 17,
    },
    {
      test: 'dead click',
      title: 'poke the dead button',
      file: expect.stringMatching(/fixture-run\/recorded\.spec\.ts$/),
      line: 29,
    },
  ])
})
