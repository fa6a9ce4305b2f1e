import type { TransactionSql } from 'postgres'
import type { AppDeps } from '../../app.js'
import { ApiError } from '../../errors.js'
import type { ResolvedKey } from '../../ingest/siteKeys.js'
import { isUnavailable } from '../../ingest/writer.js'

/** A read query running longer than this is cancelled (500 → logged), so one request cannot hog the database. */
export const READ_STATEMENT_TIMEOUT_MS = 15_000

/** SQLSTATE of a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014'
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

function unauthorized(code: string, message: string): ApiError {
  return new ApiError(401, code, message, {}, { 'www-authenticate': 'Bearer realm="sightline"' })
}

function unavailable(deps: AppDeps): ApiError {
  const retryAfter = deps.config.retryAfterSeconds
  return new ApiError(
    503,
    'unavailable',
    'the database is unavailable: retry later',
    { retryAfterSeconds: retryAfter },
    { 'retry-after': String(retryAfter) },
  )
}

/**
 * The read key (or admin key) of `Authorization: Bearer …`, or the 401/403 the request deserves.
 * A site key is public (it sits in web pages), so it never reads anything.
 */
export async function requireReadKey(deps: AppDeps, authorization: string | undefined): Promise<ResolvedKey> {
  if (!authorization)
    throw unauthorized('missing_key', 'a read key is required: send it as Authorization: Bearer <key>')
  const secret = BEARER.exec(authorization)?.[1]
  if (!secret) throw unauthorized('invalid_key', 'the Authorization header must be "Bearer <read key>"')
  let key: ResolvedKey | null
  try {
    key = await deps.keys.resolve(secret)
  } catch (error) {
    if (isUnavailable(error)) throw unavailable(deps)
    throw error
  }
  if (!key) throw unauthorized('invalid_key', 'the key is not valid')
  if (key.revoked) throw unauthorized('revoked_key', 'the key was revoked')
  if (key.kind !== 'read' && key.kind !== 'admin')
    throw new ApiError(
      403,
      'read_key_required',
      `a ${key.kind} key cannot read data: use a read key (sightline keys create --kind read)`,
    )
  return key
}

/**
 * Runs `fn` in a read-only transaction as `sightline_analyst` with `app.company_id` set to the key's
 * company, so row-level security (migration 0007) hides every other tenant's rows whatever the SQL
 * says. Role, tenant and statement timeout are set in one round trip, all LOCAL to the transaction.
 */
export async function withTenant<T>(
  deps: AppDeps,
  key: ResolvedKey,
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  try {
    return (await deps.sql.begin('read only', async (tx) => {
      // Sent now (execute) but not awaited: postgres.js pipelines fn's queries behind it on this
      // connection, so PostgreSQL applies it first and the request saves a round trip. A postgres.js
      // query is lazy: without execute() it would only be sent when awaited, after fn's first query
      // (query.test.ts catches that: company B's rows then leak).
      const tenant = tx`select set_config('role', 'sightline_analyst', true),
                               set_config('app.company_id', ${key.companyId}, true),
                               set_config('statement_timeout', ${String(READ_STATEMENT_TIMEOUT_MS)}, true)`.execute()
      const [, result] = await Promise.all([tenant, fn(tx)])
      return result
    })) as T
  } catch (error) {
    if (isUnavailable(error)) throw unavailable(deps)
    if ((error as { code?: string }).code === QUERY_CANCELED)
      throw new ApiError(503, 'query_timeout', `the query took longer than ${READ_STATEMENT_TIMEOUT_MS} ms`, {
        timeoutMs: READ_STATEMENT_TIMEOUT_MS,
      })
    throw error
  }
}
