import type { Sql } from 'postgres'
import { type GeneratedKey, generateKey, type KeyKind } from '../keys.js'

export interface CreateSiteInput {
  name: string
  companyName: string
  origins: string[]
  retentionDays?: number
}

export interface CreatedSite {
  companyId: string
  siteId: string
  siteKey: string
  readKey: string
}

/** Creates the company (reused when one with that name exists), the site, a site key and a read key, atomically. */
export async function createSite(sql: Sql, input: CreateSiteInput): Promise<CreatedSite> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`company:${input.companyName}`}))`
    const [existing] = await tx<
      { id: string }[]
    >`select id from companies where name = ${input.companyName} order by created_at limit 1`
    const companyId =
      existing?.id ??
      (
        await tx<{ id: string }[]>`insert into companies (name) values (${input.companyName}) returning id`
      )[0]!.id
    const [site] = await tx<{ id: string }[]>`
      insert into sites (company_id, name, allowed_origins, retention_days)
      values (${companyId}, ${input.name}, ${input.origins}, ${input.retentionDays ?? 30})
      returning id`
    const siteKey = generateKey('site')
    const readKey = generateKey('read')
    await insertKey(tx as unknown as Sql, {
      companyId,
      siteId: site!.id,
      kind: 'site',
      key: siteKey,
      label: 'site key',
    })
    await insertKey(tx as unknown as Sql, {
      companyId,
      siteId: site!.id,
      kind: 'read',
      key: readKey,
      label: 'read key',
    })
    return { companyId, siteId: site!.id, siteKey: siteKey.secret, readKey: readKey.secret }
  })
}

export async function insertKey(
  sql: Sql,
  input: { companyId: string; siteId: string | null; kind: KeyKind; key: GeneratedKey; label: string },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into api_keys (company_id, site_id, kind, key_hash, key_prefix, label)
    values (${input.companyId}, ${input.siteId}, ${input.kind}, ${input.key.hash}, ${input.key.prefix}, ${input.label})
    returning id`
  return row!.id
}

export interface CreatedCompanyKey {
  keyId: string
  companyId: string
  companyName: string
  secret: string
}

/**
 * A company-wide key (no site): a read key for the query API, or an admin key. The company is named by
 * id or by name (the oldest company with that name, as `createSite` reuses). Null when none matches.
 */
export async function createCompanyKey(
  sql: Sql,
  input: { company: string; kind: 'read' | 'admin'; label?: string },
): Promise<CreatedCompanyKey | null> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.company)
  const [company] = await sql<{ id: string; name: string }[]>`
    select id, name from companies
    where ${byId ? sql`id = ${input.company}` : sql`name = ${input.company}`}
    order by created_at limit 1`
  if (!company) return null
  const key = generateKey(input.kind)
  const keyId = await insertKey(sql, {
    companyId: company.id,
    siteId: null,
    kind: input.kind,
    key,
    label: input.label ?? `${input.kind} key`,
  })
  return { keyId, companyId: company.id, companyName: company.name, secret: key.secret }
}

export interface KeyListing {
  id: string
  kind: KeyKind
  keyPrefix: string
  label: string | null
  siteId: string | null
  siteName: string | null
  companyName: string
  createdAt: Date
  revokedAt: Date | null
}

export async function listKeys(sql: Sql, siteId?: string): Promise<KeyListing[]> {
  return sql<KeyListing[]>`
    select k.id, k.kind, k.key_prefix, k.label, k.site_id, s.name as site_name, c.name as company_name,
           k.created_at, k.revoked_at
    from api_keys k
    join companies c on c.id = k.company_id
    left join sites s on s.id = k.site_id
    ${siteId ? sql`where k.site_id = ${siteId}` : sql``}
    order by k.created_at, k.kind`
}

/** Revokes by key id or by the listed prefix; returns the number of keys revoked (0 when none matched). */
export async function revokeKey(sql: Sql, idOrPrefix: string): Promise<number> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrPrefix)
  const rows = isUuid
    ? await sql`update api_keys set revoked_at = now() where id = ${idOrPrefix} and revoked_at is null returning id`
    : await sql`update api_keys set revoked_at = now() where key_prefix = ${idOrPrefix} and revoked_at is null returning id`
  return rows.length
}
