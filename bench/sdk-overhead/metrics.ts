/**
 * What is read from Chromium over CDP: main-thread script and task time (Performance.getMetrics,
 * seconds → ms) and the JS heap after a forced GC (HeapProfiler.collectGarbage, Runtime.getHeapUsage).
 */
import type { CDPSession } from '@playwright/test'

export interface Times {
  scriptMs: number
  taskMs: number
}

/**
 * `threadTicks` (default) makes durations the main thread's CPU time, which the other work on a
 * busy machine disturbs less than wall time (`timeTicks`, CDP's default). BENCH_TIME_DOMAIN switches.
 */
export async function enablePerformance(cdp: CDPSession, timeDomain: 'threadTicks' | 'timeTicks') {
  await cdp.send('Performance.enable', { timeDomain })
}

export async function readTimes(cdp: CDPSession): Promise<Times> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const value = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000
  return { scriptMs: value('ScriptDuration'), taskMs: value('TaskDuration') }
}

export const timesBetween = (a: Times, b: Times): Times => ({
  scriptMs: b.scriptMs - a.scriptMs,
  taskMs: b.taskMs - a.taskMs,
})

/** usedSize after two forced collections, in bytes. */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  return usedSize
}
