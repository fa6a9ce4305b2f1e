import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Accounting } from './verify.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface CollectorProcess {
  url: string
  child: ChildProcess
  /** Everything the process wrote on stdout and stderr so far. */
  output(): string
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>
  /** Counters of the last `collector stopped` log line (written after a drain), if any. */
  finalCounters(): Accounting | null
}

export interface CollectorOptions {
  databaseUrl: string
  port: number
  env?: Record<string, string>
  /** Appends the process's stdout and stderr to this file too. */
  logFile?: string
}

/**
 * Runs `sightline start` as its own process (as `npm start` does: node --import tsx), on a fixed port so
 * that a restarted collector is reached at the same address. Resolves once it listens.
 */
export async function spawnCollector(options: CollectorOptions): Promise<CollectorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/cli.ts', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const onData = (d: Buffer) => {
    out += d
    if (options.logFile) appendFileSync(options.logFile, d)
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  )
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start within 60 s:\n${out}`)), 60_000)
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', check)
    void exited.then(({ code }) =>
      reject(new Error(`collector exited with ${code} before listening:\n${out}`)),
    )
  })
  return {
    url,
    child,
    output: () => out,
    exited,
    finalCounters() {
      const line = out
        .split('\n')
        .reverse()
        .find((l) => l.includes('"collector stopped"'))
      return line ? ((JSON.parse(line) as { counters?: Accounting }).counters ?? null) : null
    },
  }
}
