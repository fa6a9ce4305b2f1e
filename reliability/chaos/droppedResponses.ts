import { answered, tally } from '../lib/attempts.js'
import { startDroppingProxy } from '../lib/proxy.js'
import { sleep } from '../lib/stats.js'
import { type Ctx, drain, expectations, fresh, load, type Result, startCollector, verify } from './harness.js'

const DROPS = 3

/** D6: the answer to a committed batch is lost three times in a row (proxy cuts the socket): stored once. */
export async function droppedResponses(ctx: Ctx): Promise<Result> {
  const e = expectations()
  await fresh(ctx)
  const collector = await startCollector(ctx, 'dropped-responses')
  let active = true
  const proxy = await startDroppingProxy({
    upstream: collector.url,
    victimEvery: 20,
    dropsPerVictim: DROPS,
    active: () => active,
  })
  const l = load(ctx, () => proxy.url)
  l.start()
  await sleep(20_000)
  active = false
  const drained = await drain(l)
  e.expect('every outbox drained', drained.drained, l.pending())
  const victims = [...proxy.drops.keys()]
  e.expect('there are victims', victims.length > 0)
  let asExpected = 0
  const odd: unknown[] = []
  for (const id of victims) {
    const mine = l.attempts.filter((a) => a.batchId === id)
    const seen = mine.map((a) =>
      a.status ? `${a.status}${a.duplicate ? ' duplicate' : ''}` : 'network error',
    )
    const server = (proxy.answers.get(id) ?? []).map((b) =>
      (JSON.parse(b) as { duplicate: boolean }).duplicate ? 'duplicate' : 'stored',
    )
    // The collector stored it on the first attempt and answered duplicate after that; the client lost three
    // answers (a 503 under load or a keep-alive race may come on top), then heard "duplicate", never "stored".
    const ok =
      proxy.drops.get(id) === DROPS &&
      JSON.stringify(server) === JSON.stringify(['stored', 'duplicate', 'duplicate', 'duplicate']) &&
      seen.filter((x) => x === 'network error').length >= DROPS &&
      seen.at(-1) === '200 duplicate' &&
      !seen.includes('200')
    if (ok) asExpected++
    else if (odd.length < 3) odd.push({ id, client: seen, collector: server })
  }
  e.expect(
    'each victim: 3 lost answers, then 200 duplicate; the collector stored it once',
    asExpected === victims.length,
    odd,
  )
  const { stored, accounting } = await verify(ctx, e, l, collector, answered(l.attempts))
  // The collector answered every attempt; the client heard all but the dropped ones.
  const o = accounting.batches.outcomes
  const expected = {
    stored: accounting.clientView.stored + victims.length,
    duplicate: accounting.clientView.duplicate + victims.length * (DROPS - 1),
  }
  e.expect(
    'collector outcomes = client answers + dropped answers',
    o.stored === expected.stored && o.duplicate === expected.duplicate,
    {
      collector: { stored: o.stored, duplicate: o.duplicate },
      expected,
    },
  )
  await proxy.close()
  collector.child.kill('SIGTERM')
  await collector.exited
  return {
    name: 'Answers to committed batches dropped three times',
    failures: e.failures,
    figures: {
      victims: victims.length,
      victimsAsExpected: asExpected,
      answersDropped: [...proxy.drops.values()].reduce((a, b) => a + b, 0),
      drainClientsMs: drained.ms,
      attempts: tally(l.attempts),
      stored,
      accounting,
    },
  }
}
