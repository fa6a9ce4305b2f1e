// `npm test`: every check and test suite of the repository, in order. Ends with one summary line
// "tests: N passed, N failed". DATABASE_URL set → tests use that server; unset → an embedded PostgreSQL 18.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHROMIUM_HELP, findChromium } from './chromium.mjs'
import { ensureInstalled } from './ensure-install.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
ensureInstalled()

const bin = (name) => path.join(root, 'node_modules', '.bin', name)
let passed = 0
let failed = 0
const failures = []

function step(title, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${title}\n`)
  const started = Date.now()
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.error) console.error(`could not run ${cmd}: ${result.error.message}`)
  const ok = result.status === 0
  process.stdout.write(
    `=== ${title}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  )
  if (!ok) failures.push(title)
  return ok
}

function countFromJson(file, title) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'))
    passed += report.numPassedTests ?? 0
    failed += (report.numFailedTests ?? 0) + (report.success === false && !report.numFailedTests ? 1 : 0)
  } catch {
    failed += 1
    failures.push(`${title} (no report)`)
  } finally {
    rmSync(file, { force: true })
  }
}

const dbLabel = process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL 18'
step('lint (biome)', bin('biome'), ['check', '.'])
step('typecheck (tsc)', process.execPath, [path.join(root, 'scripts/typecheck.mjs')])

step('SDK build and size budget (scripts/size.mjs)', process.execPath, [path.join(root, 'scripts/size.mjs')])

const vitestReport = path.join(tmpdir(), `sightline-vitest-${process.pid}.json`)
step(`unit and integration tests (vitest, ${dbLabel})`, bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestReport}`,
])
countFromJson(vitestReport, 'vitest')

const browserSuites = ['e2e', 'apps/dashboard'].filter((dir) =>
  existsSync(path.join(root, dir, 'playwright.config.ts')),
)
if (browserSuites.length) {
  let chromium = null
  try {
    chromium = findChromium()
  } catch (error) {
    console.error(`sightline: ${error.message}`)
  }
  if (!chromium) {
    console.error(`\n${CHROMIUM_HELP}`)
    failed += 1
    failures.push('browser tests (no Chromium)')
  } else {
    for (const dir of browserSuites) {
      const report = path.join(tmpdir(), `sightline-pw-${process.pid}.json`)
      step(
        `browser tests: ${dir} (Chromium ${chromium})`,
        path.join(root, 'e2e/node_modules/.bin/playwright'),
        ['test', '-c', path.join(dir, 'playwright.config.ts')],
        {
          SIGHTLINE_CHROMIUM: chromium,
          PLAYWRIGHT_JSON_OUTPUT_NAME: report,
        },
      )
      try {
        const stats = JSON.parse(readFileSync(report, 'utf8')).stats
        passed += stats.expected + stats.flaky
        failed += stats.unexpected
      } catch {
        failed += 1
      }
      rmSync(report, { force: true })
    }
  }
}

if (failures.length) console.log(`\nfailed steps: ${failures.join('; ')}`)
console.log(`\ntests: ${passed} passed, ${failed} failed`)
process.exit(failures.length || failed ? 1 : 0)
