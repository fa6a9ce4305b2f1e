import { expect, test } from '@playwright/test'
import { attachSightline } from '@sightline/playwright'
import { sql } from './lib/db.js'

const persona = { name: 'Step Counter', age: 30, techLiteracy: 'expert', goals: ['See every step'] }
const attach = (context: Parameters<typeof attachSightline>[0]) =>
  attachSightline(context, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
    testRun: { name: 'steps', persona },
  })

type StepRow = { tab_id: string; page_url: string; props: Record<string, unknown> }
const stepsOf = (sessionId: string) =>
  sql<StepRow[]>`select tab_id, page_url, props from custom_events
    where user_session_id = ${sessionId} and name = 'test.step' order by occurred_at, event_index`

test('handle.step: start and end events in every open page, nested, and in a page opened during the step', async ({
  context,
}) => {
  const handle = await attach(context)
  const first = await context.newPage()
  await first.goto(`${process.env.E2E_SITE_URL}/plain.html`)
  let second: typeof first | undefined
  const result = await handle.step('open a second tab', async () => {
    await handle.step('click go', async () => {
      await first.click('#go')
      await expect(first.locator('#out')).toHaveText('went')
    })
    second = await context.newPage()
    await second.goto(`${process.env.E2E_SITE_URL}/plain.html`)
    return 42
  })
  expect(result).toBe(42)
  await expect(
    handle.step('a failing step', async () => {
      await first.click('#go')
      throw new Error('nope\nsecond line')
    }),
  ).rejects.toThrow('nope')
  await handle.flush()
  const [sessionId] = await handle.sessionIds()
  const rows = await stepsOf(sessionId!)
  const outer = rows.find((r) => r.props.title === 'open a second tab')!.props.stepId as string
  const inner = rows.find((r) => r.props.title === 'click go')!.props.stepId as string
  const failing = rows.find((r) => r.props.title === 'a failing step')!.props.stepId as string
  const firstTab = rows.find((r) => r.props.stepId === inner)!.tab_id
  const secondTab = rows.find((r) => r.tab_id !== firstTab)!.tab_id
  // Per tab, in order (two tabs record the same step at about the same time).
  const inTab = (tab: string) =>
    rows
      .filter((r) => r.tab_id === tab)
      .map((r) => `${r.props.title} ${r.props.phase}${r.props.inherited ? ' (inherited)' : ''}`)
  expect(inTab(firstTab)).toEqual([
    'open a second tab start',
    'click go start',
    'click go end',
    'open a second tab end',
    'a failing step start',
    'a failing step end',
  ])
  expect(inTab(secondTab)).toEqual([
    'open a second tab start (inherited)',
    'open a second tab end',
    'a failing step start',
    'a failing step end',
  ])
  expect(new Set(rows.map((r) => r.tab_id))).toEqual(new Set([firstTab, secondTab]))
  const byPhase = (id: string, phase: string) =>
    rows.find((r) => r.props.stepId === id && r.props.phase === phase)!
  expect(byPhase(outer, 'start').props).toEqual({ title: 'open a second tab', phase: 'start', stepId: outer })
  expect(byPhase(inner, 'start').props).toEqual({
    title: 'click go',
    phase: 'start',
    stepId: inner,
    parentStepId: outer,
  })
  expect(byPhase(inner, 'end').props).toEqual({
    title: 'click go',
    phase: 'end',
    stepId: inner,
    parentStepId: outer,
    status: 'passed',
    durationMs: expect.any(Number),
  })
  expect(byPhase(failing, 'end').props).toMatchObject({ status: 'failed', error: 'nope' })
  expect(rows.every((r) => r.page_url.endsWith('/plain.html'))).toBe(true)
  expect(secondTab).not.toBe(firstTab)
  expect(second).toBeDefined()
})

test('handle.step without a body: an open step ended by end(), or by finish(); a navigation during a step records its start in the new page', async ({
  context,
}) => {
  const handle = await attach(context)
  const page = await context.newPage()
  await page.goto(`${process.env.E2E_SITE_URL}/plain.html`)
  const navigating = await handle.step('navigate')
  await page.goto(`${process.env.E2E_SITE_URL}/plain.html?again=1`)
  await navigating.end()
  const left = await handle.step('left open')
  const summary = await handle.finish()
  const rows = await stepsOf(summary.sessionIds[0]!)
  const tabs = [...new Set(rows.map((r) => r.tab_id))]
  expect(tabs).toHaveLength(2) // the two page loads
  expect(
    rows.map(
      (r) => `${tabs.indexOf(r.tab_id)} ${r.props.title} ${r.props.phase}${r.props.inherited ? '*' : ''}`,
    ),
  ).toEqual([
    '0 navigate start',
    '1 navigate start*',
    '1 navigate end',
    '1 left open start',
    '1 left open end',
  ])
  expect(summary.steps.map((s) => [s.title, s.status])).toEqual([
    ['navigate', 'passed'],
    ['left open', 'passed'],
  ])
  expect(rows.at(-1)!.props.stepId).toBe(left.stepId)
  const [run] = await sql`select status, finished_at from test_runs where id = ${handle.testRunId!}`
  expect(run).toEqual({ status: 'passed', finished_at: expect.any(Date) })
})
