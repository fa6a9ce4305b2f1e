import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { stepScript } from './inPage.js'
import type { StepRecord } from './summary.js'

/** A step started without a body: end it yourself (finish() ends those still open). */
export interface OpenStep {
  stepId: string
  /** Records the step's end; with an error, the step failed. Resolves once every open page recorded it. */
  end(error?: unknown): Promise<void>
}

/** ANSI colour sequences (Playwright's error messages have them). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
/** Title and error text as stored: the first non-blank line, colours removed, bounded. */
const clean = (text: string, max: number) =>
  text
    .replace(ANSI, '')
    .split('\n')
    .find((l) => l.trim())
    ?.trim()
    .slice(0, max) ?? ''

export const MAX_STEP_TITLE_CHARS = 256
export const MAX_STEP_ERROR_CHARS = 500

/**
 * Test steps, recorded as `custom` events named `test.step` in the top-level document of every open page
 * (props: title, phase start|end, stepId, parentStepId; on end status, durationMs, error). A page loaded
 * while a step runs records the step's start too (with `inherited: true`), from an init script that lives
 * as long as the step. Nesting follows the async call chain (AsyncLocalStorage).
 */
export function createSteps(page: {
  /** Runs `window.__sightlineStep(message)` in the top-level document of each open page. */
  broadcast(message: Record<string, unknown>): Promise<void>
  addInitScript(content: string): Promise<{ dispose(): Promise<void> }>
}) {
  const current = new AsyncLocalStorage<string>()
  const log: StepRecord[] = []
  const open = new Map<string, OpenStep>()

  async function start(rawTitle: string): Promise<OpenStep> {
    if (typeof rawTitle !== 'string' || !rawTitle.trim())
      throw new TypeError(`step: the title must be a non-empty string, got ${JSON.stringify(rawTitle)}`)
    const title = clean(rawTitle, MAX_STEP_TITLE_CHARS)
    const parentStepId = current.getStore()
    const record: StepRecord = {
      stepId: randomUUID(),
      title,
      ...(parentStepId ? { parentStepId } : {}),
      startedAt: Date.now(),
      status: 'running',
    }
    log.push(record)
    const base = { title, stepId: record.stepId, ...(parentStepId ? { parentStepId } : {}) }
    const script = await page.addInitScript(stepScript({ ...base, phase: 'start' }))
    await page.broadcast({ ...base, phase: 'start' })
    const step: OpenStep = {
      stepId: record.stepId,
      async end(error?: unknown) {
        if (record.endedAt !== undefined) return
        open.delete(record.stepId)
        record.endedAt = Date.now()
        record.status = error === undefined ? 'passed' : 'failed'
        const message =
          error === undefined
            ? undefined
            : clean(String((error as Error)?.message ?? error), MAX_STEP_ERROR_CHARS)
        if (message) record.error = message
        // Init script first: a page loading now records no start it would never see end.
        await script.dispose().catch(() => {})
        await page.broadcast({
          ...base,
          phase: 'end',
          status: record.status,
          durationMs: record.endedAt - record.startedAt,
          ...(message ? { error: message } : {}),
        })
      },
    }
    open.set(record.stepId, step)
    return step
  }

  async function run<T>(title: string, body: () => T | Promise<T>): Promise<T> {
    const step = await start(title)
    let result: T
    try {
      result = await current.run(step.stepId, body)
    } catch (error) {
      await step.end(error ?? new Error(String(error)))
      throw error
    }
    await step.end()
    return result
  }

  return {
    start,
    run,
    log: () => log,
    /** Ends the steps still open, innermost first (finish()). */
    async endAll(): Promise<void> {
      for (const step of [...open.values()].reverse()) await step.end()
    },
  }
}
