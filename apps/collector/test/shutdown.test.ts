import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSite } from '../src/db/sites.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'
import { makeBatch, ORIGIN } from './ingestHelpers.js'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
let db: TestDatabase
let child: ChildProcess
let port: number
let siteKey: string

beforeAll(async () => {
  db = await createMigratedDatabase()
  siteKey = (await createSite(db.sql, { name: 's', companyName: 's', origins: [ORIGIN] })).siteKey
  child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.on('exit', (code) => reject(new Error(`collector exited early with ${code}`)))
  })
}, 60_000)
afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL')
  await db.drop()
})

describe('SIGTERM', () => {
  it('should stop accepting, finish the request in flight, and exit 0 within 10 s', async () => {
    const body = JSON.stringify(makeBatch())
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/v1/batch?key=${siteKey}`,
          headers: {
            'content-type': 'text/plain',
            origin: ORIGIN,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = ''
          res.on('data', (d) => (text += d))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        },
      )
      req.on('error', reject)
      // Half the body now, the rest after SIGTERM: the request is in flight when the signal arrives.
      req.write(body.slice(0, 100))
      setTimeout(() => {
        child.kill('SIGTERM')
        setTimeout(() => req.end(body.slice(100)), 500)
      }, 300)
    })
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const started = Date.now()
      child.on('exit', (code) => resolve({ code, ms: Date.now() - started }))
    })
    const answer = await inFlight
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text)).toMatchObject({ ok: true, accepted: 18 })
    const refused = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, () =>
        resolve('answered'),
      )
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
      req.end()
    })
    expect(refused).toBe('ECONNREFUSED')
    const { code, ms } = await exited
    expect(code).toBe(0)
    expect(ms).toBeLessThan(10_000)
    const [n] = await db.sql`select count(*)::int as n from ingested_batches`
    expect(n!.n).toBe(1)
  }, 30_000)
})
