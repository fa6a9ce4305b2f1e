import { SitesResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { AppDeps } from '../../app.js'
import { requireReadKey, withTenant } from './auth.js'
import type { RouteSpec } from './spec.js'

export const siteSpecs: RouteSpec[] = [
  { method: 'get', path: '/v1/sites', summary: "The key's company's sites", response: SitesResponse },
]

export function siteRoutes(deps: AppDeps) {
  return new Hono().get('/v1/sites', async (c) => {
    const key = await requireReadKey(deps, c.req.header('authorization'))
    const sites = await withTenant(
      deps,
      key,
      (tx) => tx<{ id: string; name: string; origins: string[] }[]>`
        select id, name, allowed_origins as origins from sites order by created_at, id`,
    )
    return c.json({ sites: sites.map((s) => ({ id: s.id, name: s.name, origins: s.origins })) })
  })
}
