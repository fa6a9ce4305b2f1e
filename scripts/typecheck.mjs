// Type-checks every workspace package with its own tsconfig (the SDK has DOM types, the collector Node's).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const tsc = path.join(root, 'node_modules', '.bin', 'tsc')
const projects = ['packages', 'apps']
  .flatMap((dir) => readdirSync(path.join(root, dir)).map((name) => path.join(dir, name)))
  .concat(['bench', 'e2e', 'reliability'])
  .filter((dir) => existsSync(path.join(root, dir, 'tsconfig.json')))
let failed = 0
for (const project of projects) {
  const result = spawnSync(tsc, ['-p', path.join(root, project, 'tsconfig.json')], { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`typecheck failed in ${project}`)
    failed++
  }
}
process.exit(failed ? 1 : 0)
