import type { Sql } from 'postgres'

/** Partitions kept ahead of time for incoming events (days back, for offline outboxes; days ahead). */
export const PARTITION_DAYS_BACK = 8
export const PARTITION_DAYS_AHEAD = 2

/**
 * Creates the daily partitions of every partitioned table for [today - back, today + ahead], one day per
 * transaction: a day is 17 tables plus their indexes, which keeps each transaction's locks well under
 * max_locks_per_transaction even when many databases are migrated at once. Returns how many were created.
 */
export async function ensurePartitions(
  sql: Sql,
  back = PARTITION_DAYS_BACK,
  ahead = PARTITION_DAYS_AHEAD,
): Promise<number> {
  let created = 0
  for (let day = -back; day <= ahead; day++) {
    const [row] = await sql<
      { n: number }[]
    >`select sightline_ensure_partitions(current_date + ${day}::int, current_date + ${day}::int) as n`
    created += row!.n
  }
  return created
}
