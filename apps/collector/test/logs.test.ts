import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../src/log.js'
import { createHarness, type Harness, makeBatch, post } from './ingestHelpers.js'

const lines: string[] = []
let h: Harness
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk))
      done()
    },
  })
  h = await createHarness({ log: createLogger('trace', sink) })
})
afterAll(() => h.drop())

describe('logs', () => {
  it('should never contain payloads, keys or query strings, even for refused requests', async () => {
    const canary = `CANARY-${Date.now()}`
    const t = Date.now()
    const good = makeBatch({}, [{ type: 'custom', t, name: canary, props: { secret: canary } }])
    await post(h, good)
    await post(h, good) // duplicate
    await post(h, makeBatch({}, [{ type: 'click', t, x: canary, y: 1 }]))
    await post(h, `{"v":1,"oops":"${canary}"`)
    await post(h, makeBatch({ sessionId: canary }))
    await post(h, good, { key: `slp_${canary}` })
    await post(h, good, { query: `?key=${h.site.siteKey}&${canary}=1` })
    await h.app.request(`/nope?${canary}`)
    const text = lines.join('')
    expect(text).not.toContain(canary)
    expect(text).not.toContain(h.site.siteKey)
  })
})

describe('loggableError', () => {
  it('should empty quoted values and query strings from messages', async () => {
    const { loggableError } = await import('../src/log.js')
    const err = Object.assign(
      new Error('invalid input syntax for type uuid: "CANARY-1" at /v1/batch?key=slp_x'),
      { code: '22P02' },
    )
    expect(loggableError(err)).toEqual({
      name: 'Error',
      code: '22P02',
      message: 'invalid input syntax for type uuid: "…" at /v1/batch?…',
    })
  })
})
