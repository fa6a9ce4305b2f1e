import type { Page } from '@playwright/test'
import type { Sql } from 'postgres'
import { type Distribution, distribution } from './report.js'
import { nowMs } from './watch.js'

/**
 * The physical floor under the explicit-flush latency, measured on the same machine and database:
 * - `commitMs`: one single-row INSERT committed (autocommit) from Node, i.e. the WAL flush the collector
 *   must wait for before it answers;
 * - `httpMs`: a request from the page to the collector and back (`GET /healthz`, which runs `select 1`).
 */
export async function measureFloor(
  sql: Sql,
  page: Page,
  collectorUrl: string,
  samples = 200,
): Promise<{ commitMs: Distribution; httpMs: Distribution }> {
  await sql`create table bench_latency_probe (id int)`
  const commits: number[] = []
  for (let i = 0; i < samples; i++) {
    const started = nowMs()
    await sql`insert into bench_latency_probe values (${i})`
    commits.push(nowMs() - started)
  }
  await sql`drop table bench_latency_probe`
  const http = await page.evaluate(
    async ([url, n]) => {
      const times: number[] = []
      for (let i = 0; i < n; i++) {
        const started = performance.now()
        await fetch(`${url}/healthz`, { mode: 'no-cors', cache: 'no-store' })
        times.push(performance.now() - started)
      }
      return times
    },
    [collectorUrl, samples] as const,
  )
  return { commitMs: distribution(commits), httpMs: distribution(http) }
}
