import { performance } from 'node:perf_hooks'
import type { Sql } from 'postgres'

/** Event name of the benchmark's `sightline.track()` calls; `props.id` is unique per event. */
export const EVENT_NAME = 'bench-latency'
const CHANNEL = 'bench_latency'
/** How often `poll` mode asks PostgreSQL for the pending ids. */
export const POLL_INTERVAL_MS = 5

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the page's (see clock.ts). */
export const nowMs = () => performance.timeOrigin + performance.now()

export interface Watcher {
  /** Resolves with the time the row with this id was first seen committed (nowMs clock). */
  expect(id: string, timeoutMs: number): Promise<number>
  /** Rows announced by NOTIFY that a query right after did not see (must be 0). */
  notVisible(): number
  close(): Promise<void>
}

/**
 * Adds a row trigger to custom_events in the benchmark's own database: each committed `bench-latency`
 * row sends its id on a channel. PostgreSQL delivers a notification only after the transaction
 * committed, so its arrival marks the moment the row is queryable by anyone.
 */
export async function installNotifyTrigger(sql: Sql) {
  await sql.unsafe(`
    create or replace function bench_latency_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('${CHANNEL}', new.props->>'id');
      return null;
    end $$;
    create trigger bench_latency_notify after insert on custom_events
      for each row when (new.name = '${EVENT_NAME}') execute function bench_latency_notify();`)
}

function createRegistry() {
  const seen = new Map<string, number>()
  const waiting = new Map<string, (t: number) => void>()
  return {
    seen(id: string, t: number) {
      if (seen.has(id)) return
      seen.set(id, t)
      waiting.get(id)?.(t)
      waiting.delete(id)
    },
    pending: () => [...waiting.keys()],
    expect(id: string, timeoutMs: number): Promise<number> {
      const t = seen.get(id)
      if (t !== undefined) return Promise.resolve(t)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id)
          reject(new Error(`event ${id}: no row in custom_events after ${timeoutMs} ms`))
        }, timeoutMs)
        waiting.set(id, (at) => {
          clearTimeout(timer)
          resolve(at)
        })
      })
    },
  }
}

/** LISTEN on the trigger's channel; every notified id is then looked up to confirm it is visible. */
export async function watchByNotify(sql: Sql): Promise<Watcher> {
  const registry = createRegistry()
  let notVisible = 0
  const checks: Promise<unknown>[] = []
  const listener = await sql.listen(CHANNEL, (id) => {
    registry.seen(id, nowMs())
    checks.push(
      sql`select 1 from custom_events where name = ${EVENT_NAME} and props->>'id' = ${id}`.then((rows) => {
        if (rows.length !== 1) notVisible++
      }),
    )
  })
  return {
    expect: registry.expect,
    notVisible: () => notVisible,
    async close() {
      await Promise.all(checks)
      await listener.unlisten()
    },
  }
}

/**
 * Asks every POLL_INTERVAL_MS which pending ids have a row. A row is dated by the start of the query
 * that first saw it: it became visible between the previous query's start and then.
 */
export async function watchByPolling(sql: Sql): Promise<Watcher> {
  const registry = createRegistry()
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const pending = registry.pending()
      if (pending.length) {
        const started = nowMs()
        const rows = await sql<{ id: string }[]>`
          select props->>'id' as id from custom_events
          where name = ${EVENT_NAME} and props->>'id' = any(${pending})`
        for (const { id } of rows) registry.seen(id, started)
      }
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS))
    }
  })()
  return {
    expect: registry.expect,
    notVisible: () => 0,
    async close() {
      stopped = true
      await loop
    },
  }
}
