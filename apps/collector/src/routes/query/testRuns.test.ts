import { describe, expect, it } from 'vitest'
import { onePerStepAndPhase } from './testRuns.js'

const row = (ms: number, phase: 'start' | 'end', stepId: string | null, tab = 'a') => ({
  occurredAt: new Date(ms),
  phase,
  stepId,
  tab,
})

describe('onePerStepAndPhase', () => {
  it('should keep the earliest start and the latest end of a step seen by several pages', () => {
    const rows = [
      row(1, 'start', 's1', 'a'),
      row(2, 'start', 's1', 'b'), // a page loaded during the step inherits it
      row(3, 'start', 's2', 'a'),
      row(4, 'end', 's2', 'a'),
      row(5, 'end', 's1', 'b'),
      row(6, 'end', 's1', 'a'),
    ]
    expect(onePerStepAndPhase(rows).map((r) => `${r.occurredAt.getTime()}:${r.phase}:${r.stepId}`)).toEqual([
      '1:start:s1',
      '3:start:s2',
      '4:end:s2',
      '6:end:s1',
    ])
  })

  it('should keep every row without a stepId, in time order', () => {
    const rows = [row(1, 'start', null), row(2, 'start', null), row(3, 'end', 's9')]
    expect(onePerStepAndPhase(rows)).toEqual(rows)
  })
})
