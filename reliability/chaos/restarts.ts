import { answered, between, tally } from '../lib/attempts.js'
import type { Load } from '../lib/loadgen.js'
import { round, sleep, waitFor } from '../lib/stats.js'
import { checkAccounting } from '../lib/verify.js'
import {
  type Ctx,
  drain,
  expectations,
  expectClientViewMatches,
  fresh,
  load,
  type Result,
  startCollector,
  verify,
} from './harness.js'

/** No attempt for a batch starts after its 2xx: the SDK retries only what was not acknowledged. */
function retriesOfAcknowledged(l: Load): number {
  return l.attempts.filter((a) => {
    const acked = l.batches.get(a.batchId)?.ackedAt
    return acked !== undefined && a.start > acked
  }).length
}

/** Answers that arrived after `at`: once a process has exited, they all come from its successor. */
const answeredAfter = (l: Load, at: number) => answered(l.attempts).filter((a) => a.end > at)

/** D4: SIGTERM under load: the collector stops accepting, answers what is in flight, exits 0 within 10 s. */
export async function sigterm(ctx: Ctx): Promise<Result> {
  const e = expectations()
  await fresh(ctx)
  const first = await startCollector(ctx, 'sigterm-1')
  const l = load(ctx, () => first.url)
  l.start()
  await sleep(15_000)
  await waitFor(() => l.attempts.filter((a) => !a.end).length >= 3, 5_000, 2)
  const term = performance.now()
  const inFlight = l.attempts.filter((a) => !a.end)
  first.child.kill('SIGTERM')
  const exit = await first.exited
  const second = await startCollector(ctx, 'sigterm-2')
  const restarted = performance.now()
  l.kick()
  await sleep(20_000)
  const drained = await drain(l)
  e.expect('every outbox drained', drained.drained, l.pending())
  e.expect('exit code 0', exit.code === 0, exit)
  const drainMs = Math.round(exit.at - term)
  e.expect('drained within 10 s', drainMs <= 10_000, drainMs)
  e.expect(
    'every request in flight at SIGTERM answered 2xx',
    inFlight.every((a) => a.status === 200),
    tally(inFlight),
  )
  e.expect('acknowledged batches never resent', retriesOfAcknowledged(l) === 0, retriesOfAcknowledged(l))
  // The first process's accounting, from its last log line, against the answers the client got from it.
  const firstCounters = first.finalCounters()
  e.expect('the drained collector logged its counters', firstCounters !== null)
  const byFirst = answered(l.attempts).filter((a) => a.end <= exit.at)
  if (firstCounters) {
    const check = checkAccounting(firstCounters, byFirst)
    e.expect('first process: batches received = Σ outcomes', check.batchGap === 0, check.batches)
    e.expect('first process: events received = Σ outcomes', check.eventGap === 0, check.events)
    expectClientViewMatches(e, check)
  }
  // Once the first process has exited, every answer comes from the second.
  const { stored, accounting } = await verify(ctx, e, l, second, answeredAfter(l, exit.at))
  expectClientViewMatches(e, accounting)
  second.child.kill('SIGTERM')
  await second.exited
  return {
    name: 'Collector SIGTERM under load',
    failures: e.failures,
    figures: {
      inFlightAtSigterm: inFlight.length,
      inFlightOutcomes: tally(inFlight),
      drainMs,
      exitCode: exit.code,
      restartMs: Math.round(restarted - exit.at),
      attemptsUntilRestart: tally(between(l.attempts, term, restarted)),
      drainClientsMs: drained.ms,
      attempts: tally(l.attempts),
      firstProcessCounters: firstCounters,
      stored,
      accounting,
    },
  }
}

const KILLS = 3

/**
 * D5: SIGKILL mid-batch, three times: acknowledged batches are durable, only the unacknowledged are retried,
 * and each is stored once (a batch committed but not yet answered when the process died is a duplicate).
 */
export async function sigkill(ctx: Ctx): Promise<Result> {
  const e = expectations()
  await fresh(ctx)
  let collector = await startCollector(ctx, 'sigkill-0')
  const l = load(ctx, () => collector.url)
  l.start()
  const kills: {
    inFlight: number
    committedUnacknowledged: number
    notCommitted: number
    restartS: number
  }[] = []
  const inFlightAll: { id: string; kill: number }[] = []
  let ackedBefore = 0
  let ackedFound = 0
  let lastExit = 0
  for (let k = 1; k <= KILLS; k++) {
    await sleep(10_000)
    await waitFor(() => l.attempts.filter((a) => !a.end).length >= 3, 5_000, 2)
    const kill = performance.now()
    const inFlight = l.attempts.filter((a) => !a.end).map((a) => a.batchId)
    collector.child.kill('SIGKILL')
    lastExit = (await collector.exited).at
    // Before anything is retried: every batch acknowledged before the kill must already be in the database.
    const acked = [...l.batches.values()]
      .filter((b) => b.ackedAt !== undefined && b.ackedAt < kill)
      .map((b) => b.batchId)
    const [{ n }] = (await ctx.db
      .sql`select count(*)::int as n from ingested_batches where batch_id = any(${acked}::uuid[])`) as unknown as [
      { n: number },
    ]
    ackedBefore = acked.length
    ackedFound = n
    e.expect(`kill ${k}: every batch acknowledged before it is in the database`, n === acked.length, {
      acked: acked.length,
      found: n,
    })
    collector = await startCollector(ctx, `sigkill-${k}`)
    l.kick()
    kills.push({
      inFlight: inFlight.length,
      committedUnacknowledged: 0,
      notCommitted: 0,
      restartS: round((performance.now() - kill) / 1000),
    })
    for (const id of inFlight) inFlightAll.push({ id, kill: k - 1 })
  }
  await sleep(10_000)
  const drained = await drain(l)
  e.expect('every outbox drained', drained.drained, l.pending())
  e.expect('acknowledged batches never resent', retriesOfAcknowledged(l) === 0, retriesOfAcknowledged(l))
  // What each in-flight batch turned out to be on its first 2xx: duplicate means it had committed unanswered.
  for (const { id, kill } of inFlightAll) {
    const first = l.attempts.find((a) => a.batchId === id && a.status === 200)
    if (first?.duplicate === true) kills[kill]!.committedUnacknowledged++
    else if (first?.duplicate === false) kills[kill]!.notCommitted++
  }
  e.expect(
    'every in-flight batch was retried and answered',
    kills.every((k) => k.committedUnacknowledged + k.notCommitted === k.inFlight),
    kills,
  )
  const { stored, accounting } = await verify(ctx, e, l, collector, answeredAfter(l, lastExit))
  expectClientViewMatches(e, accounting)
  collector.child.kill('SIGTERM')
  await collector.exited
  return {
    name: `Collector SIGKILL mid-batch (${KILLS} times)`,
    failures: e.failures,
    figures: {
      kills,
      ackedBeforeLastKill: ackedBefore,
      ackedBeforeLastKillFound: ackedFound,
      drainClientsMs: drained.ms,
      attempts: tally(l.attempts),
      stored,
      accounting,
    },
  }
}
