import { writeFileSync } from 'node:fs'
import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter'

/** Writes where each test.step was declared ($FIXTURE_RUN_STEPS): the report must point at the spec. */
export default class StepReporter implements Reporter {
  private steps: { test: string; title: string; file: string | undefined; line: number | undefined }[] = []

  onStepEnd(test: TestCase, _result: TestResult, step: TestStep) {
    if (step.category === 'test.step')
      this.steps.push({
        test: test.title,
        title: step.title,
        file: step.location?.file,
        line: step.location?.line,
      })
  }

  onEnd() {
    if (process.env.FIXTURE_RUN_STEPS)
      writeFileSync(process.env.FIXTURE_RUN_STEPS, JSON.stringify(this.steps))
  }

  printsToStdio() {
    return false
  }
}
