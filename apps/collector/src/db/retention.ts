import type { Sql } from 'postgres'

/** A site's retention is never shorter than this many days' worth of whole partitions being kept. */
const DEFAULT_RETENTION_DAYS = 30

export interface RetentionReport {
  /** Partitions older than this date (the longest retention of any site) are dropped whole. */
  partitionCutoff: string
  droppedPartitions: string[]
  /** Sites with a shorter retention than the longest: their older rows are deleted row by row. */
  sites: { siteId: string; retentionDays: number; rows: number }[]
}

/**
 * Retention in two steps: drop whole daily partitions older than the longest retention of any site
 * (cheap, no vacuum debt), then delete rows of sites whose retention is shorter, plus their sessions
 * and idempotency records.
 */
export async function runRetention(sql: Sql, { dryRun }: { dryRun: boolean }): Promise<RetentionReport> {
  const sites = await sql<
    { id: string; retentionDays: number }[]
  >`select id, retention_days from sites order by id`
  const longest = Math.max(DEFAULT_RETENTION_DAYS, ...sites.map((s) => s.retentionDays))
  const [cutoffRow] = await sql<{ cutoff: string }[]>`select (current_date - ${longest}::int)::text as cutoff`
  const partitionCutoff = cutoffRow!.cutoff
  const dropped = await sql<{ name: string }[]>`
    select sightline_drop_partitions_before(${partitionCutoff}::date, ${dryRun}) as name`
  const tables = (await sql<{ name: string }[]>`select sightline_partitioned_tables()::text as name`).map(
    (r) => r.name,
  )

  const report: RetentionReport = {
    partitionCutoff,
    droppedPartitions: dropped.map((r) => r.name),
    sites: [],
  }
  for (const site of sites) {
    if (site.retentionDays >= longest) continue
    const rows = await sql.begin(async (tx) => {
      let total = 0
      const cutoff = sql`now() - make_interval(days => ${site.retentionDays})`
      for (const table of tables) {
        const [r] = dryRun
          ? await tx`select count(*)::int as n from ${tx(table)} where site_id = ${site.id} and occurred_at < ${cutoff}`
          : await tx`with d as (delete from ${tx(table)} where site_id = ${site.id} and occurred_at < ${cutoff} returning 1) select count(*)::int as n from d`
        total += r!.n as number
      }
      if (!dryRun) {
        await tx`delete from ingested_batches where site_id = ${site.id} and received_at < ${cutoff}`
        await tx`delete from user_sessions where site_id = ${site.id} and last_seen_at < ${cutoff}`
      }
      return total
    })
    report.sites.push({ siteId: site.id, retentionDays: site.retentionDays, rows })
  }
  if (!dryRun) {
    await sql`delete from ingested_batches where received_at < ${partitionCutoff}::date`
    await sql`delete from user_sessions where last_seen_at < ${partitionCutoff}::date`
  }
  return report
}
