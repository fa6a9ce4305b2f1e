// Entry of the collector's worker threads. Node 20 does not carry the tsx hooks the collector runs under
// (`--import tsx`) into worker threads, so each worker registers them itself, then loads its TypeScript
// module, named in workerData.entry.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
