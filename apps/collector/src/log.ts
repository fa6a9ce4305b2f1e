import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger }

/**
 * JSON logs. Payloads, keys and query strings are never passed to the logger; the redact list is a
 * second guard for fields that could carry them by mistake.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sightline-collector' },
    redact: {
      paths: ['key', 'siteKey', 'readKey', 'authorization', 'body', 'payload', '*.key', '*.authorization'],
      remove: true,
    },
  }
  return destination ? pino(options, destination) : pino(options)
}

/** An error for the log: PostgreSQL and parser messages quote the values they refused, so quotes are emptied. */
export function loggableError(error: unknown): { name: string; code?: string; message: string } {
  const e = error as { name?: string; code?: unknown; message?: unknown }
  const message = String(e?.message ?? error)
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/\?\S*/g, '?…')
    .slice(0, 300)
  return {
    name: String(e?.name ?? 'Error'),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message,
  }
}
