import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** Prometheus metrics of one app instance (own registry, so tests can build several apps). */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    requests: new Counter({
      name: 'sightline_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    /** Every POST /v1/batch, counted as it arrives: the left side of the accounting (docs/api.md). */
    batchesReceived: new Counter({
      name: 'sightline_ingest_batches_received_total',
      help: 'Ingest requests received (POST /v1/batch)',
      registers: [registry],
    }),
    /**
     * Ingest accounting, in batches: every POST /v1/batch ends in exactly one outcome, so
     * received = stored + duplicate + rejected{reason} + rate_limited + unavailable + error.
     */
    batches: new Counter({
      name: 'sightline_ingest_batches_total',
      help: 'Ingest requests by outcome',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    }),
    /** Ingest accounting, in events of parsed batches: received = written + rejected{reason} + duplicate + unavailable + error. */
    events: new Counter({
      name: 'sightline_ingest_events_total',
      help: 'Events of parsed batches by outcome and kind',
      labelNames: ['outcome', 'kind', 'reason'],
      registers: [registry],
    }),
    /** Events of batches whose envelope was valid: the left side of the event accounting. */
    eventsReceived: new Counter({
      name: 'sightline_ingest_events_received_total',
      help: 'Events in ingest requests whose envelope was valid',
      registers: [registry],
    }),
    /**
     * Events of batches answered 503 at the answer deadline whose transaction committed afterwards; the
     * client's retry is answered duplicate. Stored rows = written + this.
     */
    eventsWrittenLate: new Counter({
      name: 'sightline_ingest_events_written_late_total',
      help: 'Events committed after their request was answered 503 (answer deadline)',
      registers: [registry],
    }),
    scrubbed: new Counter({
      name: 'sightline_scrubbed_values_total',
      help: 'Values replaced by server-side scrubbing, by rule',
      labelNames: ['rule'],
      registers: [registry],
    }),
    batchLatency: new Histogram({
      name: 'sightline_ingest_batch_seconds',
      help: 'Time from request start to answer for POST /v1/batch',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    flushRows: new Histogram({
      name: 'sightline_flush_rows',
      help: 'Rows per group-commit transaction',
      buckets: [10, 50, 100, 500, 1000, 5000, 20_000],
      registers: [registry],
    }),
    pool: new Gauge({
      name: 'sightline_writer_pending_rows',
      help: 'Rows waiting in the group-commit queue',
      registers: [registry],
    }),
    pendingBytes: new Gauge({
      name: 'sightline_writer_pending_bytes',
      help: 'Bytes (COPY text and identify traits) waiting in the group-commit queue; 503 past 128 MiB',
      registers: [registry],
    }),
    flushesRunning: new Gauge({
      name: 'sightline_writer_flushes_running',
      help: 'Group-commit transactions in progress (connections in use by ingest)',
      registers: [registry],
    }),
    compressionRatio: new Histogram({
      name: 'sightline_ingest_compression_ratio',
      help: 'Decompressed / wire bytes of compressed bodies',
      buckets: [1, 2, 4, 8, 16, 64, 256, 1024],
      registers: [registry],
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/** Ingest accounting of one process, by outcome (`outcome` or `outcome/reason`); logged at shutdown. */
export interface IngestCounters {
  batches: { received: number; outcomes: Record<string, number> }
  events: { received: number; outcomes: Record<string, number>; writtenLate: number }
}

export async function ingestCounters(metrics: Metrics): Promise<IngestCounters> {
  const byOutcome = async (counter: Counter) => {
    const out: Record<string, number> = {}
    for (const { value, labels } of (await counter.get()).values) {
      const key = labels.reason ? `${labels.outcome}/${labels.reason}` : String(labels.outcome)
      out[key] = (out[key] ?? 0) + value
    }
    return out
  }
  const total = async (counter: Counter) => (await counter.get()).values.reduce((n, v) => n + v.value, 0)
  return {
    batches: { received: await total(metrics.batchesReceived), outcomes: await byOutcome(metrics.batches) },
    events: {
      received: await total(metrics.eventsReceived),
      outcomes: await byOutcome(metrics.events),
      writtenLate: await total(metrics.eventsWrittenLate),
    },
  }
}
