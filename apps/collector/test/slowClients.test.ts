import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { createSite } from '../src/db/sites.js'
import { type RunningCollector, startCollector } from '../src/server.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'
import { makeBatch, ORIGIN } from './ingestHelpers.js'

// Real sockets against the real server: header and request timeouts are Node http.Server settings.
let db: TestDatabase
let collector: RunningCollector
let siteKey: string
let port: number

beforeAll(async () => {
  db = await createMigratedDatabase()
  siteKey = (await createSite(db.sql, { name: 's', companyName: 's', origins: [ORIGIN] })).siteKey
  collector = await startCollector(
    loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      SIGHTLINE_HEADERS_TIMEOUT_MS: '500',
      SIGHTLINE_REQUEST_TIMEOUT_MS: '1000',
    }),
  )
  port = Number(new URL(collector.url).port)
})
afterAll(async () => {
  await collector?.stop()
  await db.drop()
})

/** Opens a socket, writes `first`, then nothing: resolves with what the server sent and when it closed. */
function stall(first: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let answer = ''
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => socket.write(first))
    socket.on('data', (d) => (answer += d))
    socket.on('error', () => {})
    socket.on('close', () => resolve({ ms: performance.now() - started, answer }))
    setTimeout(() => reject(new Error('the server kept a stalled connection for 8 s')), 8_000).unref()
  })
}

async function metric(name: string): Promise<string[]> {
  const text = await (await fetch(`${collector.url}/metrics`)).text()
  return text.split('\n').filter((l) => l.startsWith(name))
}

describe('slow clients', () => {
  it('should close a connection whose headers trickle past the header timeout', async () => {
    const { ms } = await stall('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Ty')
    // 500 ms timeout, checked every second: closed well before Node's default 60 s (+30 s check interval).
    expect(ms).toBeLessThan(2_500)
  })

  it('should answer 408 and count incomplete_body when the body stalls past the request timeout', async () => {
    const body = JSON.stringify(makeBatch())
    const head =
      `POST /v1/batch?key=${siteKey} HTTP/1.1\r\nHost: x\r\nOrigin: ${ORIGIN}\r\n` +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`
    const { ms, answer } = await stall(head + body.slice(0, 50))
    expect(answer).toMatch(/^HTTP\/1\.1 408/)
    expect(ms).toBeLessThan(3_000)
    await expect
      .poll(() => metric('sightline_ingest_batches_total{outcome="rejected",reason="incomplete_body"}'))
      .toEqual(['sightline_ingest_batches_total{outcome="rejected",reason="incomplete_body"} 1'])
  })

  it('should keep serving normal clients while slow ones hold connections', async () => {
    const slow = Array.from({ length: 20 }, () => stall('POST /v1/batch HTTP/1.1\r\nHost: x\r\n'))
    const res = await fetch(`${collector.url}/v1/batch?key=${siteKey}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify(makeBatch()),
    })
    expect(res.status).toBe(200)
    const closed = await Promise.all(slow)
    expect(closed.every((c) => c.ms < 2_500)).toBe(true)
  })

  it('should answer 413 to a chunked body past 1 MiB on a real socket, and keep serving', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      let text = ''
      const socket: Socket = connect({ host: '127.0.0.1', port }, () => {
        socket.write(
          `POST /v1/batch?key=${siteKey} HTTP/1.1\r\nHost: x\r\nOrigin: ${ORIGIN}\r\n` +
            'Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n',
        )
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        // 2 MiB offered, in chunks; the server may stop reading (and close) once it has answered.
        for (let i = 0; i < 32; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, () => {})
      })
      socket.on('data', (d) => {
        text += d
        if (text.includes('\r\n\r\n{') && text.trimEnd().endsWith('}')) socket.destroy()
      })
      socket.on('error', () => {})
      socket.on('close', () => resolve(text))
      setTimeout(() => reject(new Error(`no answer within 5 s: ${text.slice(0, 200)}`)), 5_000).unref()
    })
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('payload_too_large')
    const res = await fetch(`${collector.url}/v1/batch?key=${siteKey}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify(makeBatch()),
    })
    expect(res.status).toBe(200)
  })

  it('should refuse a header timeout longer than the request timeout, naming the variable', () => {
    expect(() =>
      loadConfig({ SIGHTLINE_HEADERS_TIMEOUT_MS: '5000', SIGHTLINE_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(
      new ConfigError(
        'invalid environment variable SIGHTLINE_HEADERS_TIMEOUT_MS: must not exceed SIGHTLINE_REQUEST_TIMEOUT_MS',
      ),
    )
  })
})
