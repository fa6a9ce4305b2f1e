import { Worker } from 'node:worker_threads'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError } from '../errors.js'
import { type PreparedRequest, type PrepareInput, prepareBatch } from './prepare.js'

/** Runs `prepareBatch` for the ingest route: inline, or on worker threads. */
export interface Preparer {
  prepare(input: PrepareInput): Promise<PreparedRequest>
  close(): Promise<void>
}

/** An error as it crosses the thread boundary: an ApiError keeps its status, code, details and headers. */
export interface ErrorMessage {
  message: string
  api?: {
    status: ContentfulStatusCode
    code: string
    details: Record<string, unknown>
    headers: Record<string, string>
  }
}

export function errorToMessage(error: unknown): ErrorMessage {
  if (error instanceof ApiError)
    return {
      message: error.message,
      api: { status: error.status, code: error.code, details: error.details, headers: error.headers },
    }
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error) }
}

export function errorFromMessage(m: ErrorMessage): Error {
  if (m.api) return new ApiError(m.api.status, m.api.code, m.message, m.api.details, m.api.headers)
  return new Error(`prepare worker: ${m.message}`)
}

export type WorkerReply = { id: number; result: PreparedRequest } | { id: number; error: ErrorMessage }

const WORKER_URL = new URL('./prepareWorker.ts', import.meta.url)
/** Registers tsx in the worker, then imports the worker module (see workerBoot.mjs). */
const BOOT_URL = new URL('../workerBoot.mjs', import.meta.url)

interface Slot {
  worker: Worker
  pending: Map<number, { resolve: (r: PreparedRequest) => void; reject: (e: Error) => void }>
}

/**
 * `workers` = 0 prepares inline. Otherwise each request goes to the worker with the fewest waiting;
 * a worker that dies fails its waiting requests (500) and is replaced.
 */
export function createPreparer(workers: number, options: { workerUrl?: URL } = {}): Preparer {
  const workerUrl = options.workerUrl ?? WORKER_URL
  if (workers <= 0) {
    return {
      prepare: async (input) => prepareBatch(input),
      close: async () => {},
    }
  }
  let nextId = 0
  let closed = false
  const slots: Slot[] = []

  function spawnSlot(index: number): void {
    const slot: Slot = {
      worker: new Worker(BOOT_URL, {
        workerData: { entry: workerUrl.href },
        name: `sightline-prepare-${index}`,
      }),
      pending: new Map(),
    }
    slot.worker.unref()
    slot.worker.on('message', (reply: WorkerReply) => {
      const waiting = slot.pending.get(reply.id)
      if (!waiting) return
      slot.pending.delete(reply.id)
      if ('result' in reply) waiting.resolve(reply.result)
      else waiting.reject(errorFromMessage(reply.error))
    })
    const fail = (error: Error) => {
      for (const w of slot.pending.values()) w.reject(error)
      slot.pending.clear()
      if (!closed && slots[index] === slot) spawnSlot(index)
    }
    slot.worker.on('error', (error) => fail(new Error(`prepare worker failed: ${error.message}`)))
    slot.worker.on('exit', (code) => fail(new Error(`prepare worker exited with code ${code}`)))
    slots[index] = slot
  }
  for (let i = 0; i < workers; i++) spawnSlot(i)

  return {
    prepare(input) {
      if (closed) return Promise.reject(new Error('the prepare pool is closed'))
      let slot = slots[0]!
      for (const s of slots) if (s.pending.size < slot.pending.size) slot = s
      const id = nextId++
      // A copy the worker can own: the request's buffer may be a slice of a shared pool.
      const wire = new Uint8Array(input.wire)
      return new Promise<PreparedRequest>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject })
        slot.worker.postMessage({ id, input: { ...input, wire } }, [wire.buffer])
      })
    },
    async close() {
      closed = true
      await Promise.all(slots.map((s) => s.worker.terminate()))
    },
  }
}
