import { answered, between, latency, ok, tally } from '../lib/attempts.js'
import { startSlowClients } from '../lib/slowClients.js'
import { round, sleep } from '../lib/stats.js'
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

const PHASE_MS = 30_000

/** A8: slow clients (headers or body trickling) must not starve normal ones. */
export async function slowClients(ctx: Ctx): Promise<Result> {
  const e = expectations()
  await fresh(ctx)
  const collector = await startCollector(ctx, 'slow-clients')
  const l = load(ctx, () => collector.url)
  l.start()
  await sleep(5_000) // warm-up
  const a0 = performance.now()
  await sleep(PHASE_MS)
  const slow = startSlowClients({
    url: collector.url,
    count: ctx.settings.slowClients,
    byteEveryMs: 1_000,
    siteKey: ctx.db.site.siteKey,
  })
  await sleep(2_000)
  const b0 = performance.now()
  await sleep(PHASE_MS)
  const b1 = performance.now()
  const slowFigures = {
    peakOpen: slow.peak,
    openAtEnd: slow.open(),
    closedByServer: { ...slow.closed },
    answered408: { ...slow.answered408 },
  }
  slow.stop()
  await sleep(2_000)
  const c0 = performance.now()
  await sleep(PHASE_MS)
  const c1 = performance.now()
  const drained = await drain(l)
  e.expect('every outbox drained', drained.drained, l.pending())

  const before = latency(ok(between(l.attempts, a0, a0 + PHASE_MS)))
  const during = latency(ok(between(l.attempts, b0, b1)))
  const after = latency(ok(between(l.attempts, c0, c1)))
  const reference = Math.max(before.p99, after.p99)
  e.expect(
    'normal clients: p99 with slow clients within +20 % of the slower quiet phase',
    during.p99 <= reference * 1.2,
    {
      before,
      during,
      after,
    },
  )
  // On a busy machine some 503s (answer deadline) happen in every phase: slow clients must not add to them.
  const failedShare = (from: number, to: number) => {
    const all = between(l.attempts, from, to)
    return all.length ? Math.round(((all.length - ok(all).length) / all.length) * 1000) / 1000 : 0
  }
  const failed = {
    before: failedShare(a0, a0 + PHASE_MS),
    during: failedShare(b0, b1),
    after: failedShare(c0, c1),
  }
  e.expect(
    'normal clients: share of non-2xx with slow clients at most 1 point above the quiet phases',
    failed.during <= Math.max(failed.before, failed.after) + 0.01,
    { failed, during: tally(between(l.attempts, b0, b1)) },
  )
  e.expect(
    'slow clients were held open',
    slowFigures.peakOpen >= ctx.settings.slowClients * 0.9,
    slowFigures.peakOpen,
  )
  e.expect(
    'the server cut trickling headers (10 s) and bodies (30 s, with 408)',
    slowFigures.closedByServer.headers > 0 &&
      slowFigures.closedByServer.body > 0 &&
      slowFigures.answered408.body > 0,
    slowFigures,
  )
  const { stored, accounting } = await verify(ctx, e, l, collector, answered(l.attempts))
  expectClientViewMatches(e, accounting)
  // Trickled bodies reach the route and end as rejected/incomplete_body; trickled headers never reach it.
  const incomplete = accounting.batches.outcomes['rejected/incomplete_body'] ?? 0
  e.expect('each cut body counted as rejected/incomplete_body', incomplete >= slowFigures.answered408.body, {
    incomplete,
    ...slowFigures,
  })
  collector.child.kill('SIGTERM')
  await collector.exited
  return {
    name: `${ctx.settings.slowClients} slow clients`,
    failures: e.failures,
    figures: {
      normalBefore: before,
      normalWithSlowClients: during,
      normalAfter: after,
      p99RatioWithSlow: round(during.p99 / reference),
      non2xxShare: failed,
      slowClients: slowFigures,
      incompleteBodies: incomplete,
      attempts: tally(l.attempts),
      stored,
      accounting,
    },
  }
}
