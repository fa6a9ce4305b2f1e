import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * JSON logs. Payloads, keys and query strings are never passed to the logger; the redact list is a
 * second guard for fields that could carry them by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'sightline-collector' },
    redact: {
      paths: ['key', 'siteKey', 'readKey', 'authorization', 'body', 'payload', '*.key', '*.authorization'],
      remove: true,
    },
  })
}
