import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** Repository root (collector runs from the workspace). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** Ingest prepare workers: one per core beyond the first (the main thread serves HTTP and drives the database), at most 4. */
export function defaultPrepareWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1))
}

const port = z.coerce.number().int().min(0).max(65_535)

const EnvSchema = z
  .object({
    PORT: port.default(7070),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    SIGHTLINE_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.sightline')),
    SIGHTLINE_EMBEDDED_PORT: port.default(54_329),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    SIGHTLINE_RATE_LIMIT_RPS: z.coerce.number().positive().max(1_000_000).default(200),
    SIGHTLINE_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(400),
    SIGHTLINE_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    /** Worker threads preparing ingest batches; default one per core beyond the first, at most 4. 0: inline. */
    SIGHTLINE_PREPARE_WORKERS: z.coerce.number().int().min(0).max(64).default(defaultPrepareWorkers()),
    SIGHTLINE_SDK_DIR: z.string().min(1).optional(),
    /** Slow clients: all request headers must arrive within this, else the connection is closed. */
    SIGHTLINE_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** …and the whole request (headers and body) within this, else 408 and the connection is closed. */
    SIGHTLINE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => env.SIGHTLINE_HEADERS_TIMEOUT_MS <= env.SIGHTLINE_REQUEST_TIMEOUT_MS, {
    message: 'must not exceed SIGHTLINE_REQUEST_TIMEOUT_MS',
    path: ['SIGHTLINE_HEADERS_TIMEOUT_MS'],
  })

export type Config = z.infer<typeof EnvSchema>

export class ConfigError extends Error {}

/** Reads and validates the environment; a bad value is reported by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ConfigError(`invalid environment variable ${issue.path.join('.')}: ${issue.message}`)
  }
  return parsed.data
}
