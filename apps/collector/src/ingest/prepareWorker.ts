/** Worker thread of preparePool.ts: prepares batches off the event loop that drives the database. */
import { parentPort } from 'node:worker_threads'
import { type PrepareInput, prepareBatch } from './prepare.js'
import { errorToMessage, type WorkerReply } from './preparePool.js'

const port = parentPort
if (!port) throw new Error('prepareWorker.ts runs only as a worker thread')

port.on('message', ({ id, input }: { id: number; input: PrepareInput }) => {
  let reply: WorkerReply
  try {
    reply = { id, result: prepareBatch(input) }
  } catch (error) {
    reply = { id, error: errorToMessage(error) }
  }
  port.postMessage(reply)
})
