import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'

let db: TestDatabase

const run = (args: string[], env: Record<string, string> = {}) => runCli(db.url, args, env)

beforeAll(async () => {
  db = await createMigratedDatabase()
})
afterAll(() => db.drop())

describe('sightline CLI', () => {
  it.each([
    [[], /^sightline: missing command \(usage: sightline <migrate/],
    [['frobnicate'], /^sightline: unknown command "frobnicate"/],
    [['migrate'], /^sightline: missing migrate action \(usage: sightline migrate up/],
    [['migrate', 'down', 'two'], /^sightline: N must be a whole number from 1 to/],
    [['site', 'create'], /^sightline: --name is required \(usage: sightline site create --name NAME/],
    [
      ['site', 'create', '--name', 'x', '--origin', 'https://a.example/path'],
      /^sightline: --origin "https:\/\/a.example\/path" must be an origin only/,
    ],
    [['site', 'create', '--name', 'x', '--bogus'], /^sightline: Unknown option '--bogus'/],
    [['seed'], /^sightline: --sessions is required/],
    [['seed', '--sessions', '-5'], /^sightline: .*sessions/],
    [['migrate', 'create', 'Bad Name'], /^sightline: NAME must be snake_case verb_object/],
  ])('should refuse %j with one line naming the problem and usage, exit 2', async (args, message) => {
    const { code, stdout, stderr } = await run(args as string[])
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' })
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(message)
  })

  it('should create a site and print exactly one JSON object with --json', async () => {
    const { code, stdout } = await run([
      'site',
      'create',
      '--name',
      'Shop',
      '--origin',
      'https://shop.example',
      '--json',
    ])
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const created = JSON.parse(lines[0]!)
    expect(Object.keys(created).sort()).toEqual(['readKey', 'siteId', 'siteKey'])
    expect(created.siteKey).toMatch(/^slp_/)
    expect(created.readKey).toMatch(/^slr_/)
    const [site] = await db.sql`select allowed_origins from sites where id = ${created.siteId}`
    expect(site!.allowedOrigins).toEqual(['https://shop.example'])
    const keys = await run(['keys', 'list', '--site', created.siteId, '--json'])
    expect(
      JSON.parse(keys.stdout)
        .map((k: { kind: string }) => k.kind)
        .sort(),
    ).toEqual(['read', 'site'])
    const prefix = JSON.parse(keys.stdout).find((k: { kind: string }) => k.kind === 'site').keyPrefix
    expect((await run(['keys', 'revoke', prefix])).stdout).toMatch(/revoked 1 key/)
    expect((await run(['keys', 'revoke', prefix])).code).toBe(1)
  })

  it('should report migration status and apply nothing when current', async () => {
    const status = await run(['migrate', 'status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^applied\s+0001_create_roles\.sql/m)
    expect((await run(['migrate', 'up'])).stdout).toMatch(/nothing to apply/)
  })

  it('should seed sessions into every recording table and say how many', async () => {
    const { code, stdout, stderr } = await run(['seed', '--sessions', '40', '--days', '2'])
    expect(code).toBe(0)
    // A second run on the same database adds new sessions (it used to reuse the same ids and fail).
    expect((await run(['seed', '--sessions', '5', '--days', '2'])).code).toBe(0)
    expect(stdout).toMatch(/^seeded 40 sessions, \d+ events in/)
    expect(stderr).toMatch(/seeding: 40\/40 sessions/)
    for (const table of [
      'page_performance',
      'scroll_events',
      'click_events',
      'form_interactions',
      'mouse_movements',
      'keyboard_events',
      'network_requests',
      'console_logs',
      'element_visibility',
      'replay_segments',
    ]) {
      const [row] = await db.sql.unsafe(`select count(*)::int as n from ${table}`)
      expect({ table, some: row!.n > 0 }).toEqual({ table, some: true })
    }
  })
})
