// Installs the workspace's dependencies when they are missing or older than the lockfile, so the README's
// commands work on a machine that has only Node.js: pnpm is used when on PATH, else fetched with npx.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`sightline: Node.js >= 20.19 is required, this is ${process.versions.node}`)
  process.exit(1)
}

export function pnpmCommand() {
  try {
    execFileSync('pnpm', ['--version'], { stdio: 'ignore' })
    return ['pnpm', []]
  } catch {
    return [process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--yes', 'pnpm@12']]
  }
}

export function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.modules.yaml')
  const lock = path.join(root, 'pnpm-lock.yaml')
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return
  const [cmd, prefix] = pnpmCommand()
  console.error(
    `sightline: installing dependencies (${cmd} ${[...prefix, 'install', '--frozen-lockfile'].join(' ')})`,
  )
  const result = spawnSync(cmd, [...prefix, 'install', '--frozen-lockfile'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('sightline: dependency install failed (see above)')
    process.exit(result.status ?? 1)
  }
}

/** Latest modification time of a file, or of any file under a folder. */
const newest = (p) =>
  statSync(p).isDirectory()
    ? readdirSync(p).reduce((m, name) => Math.max(m, newest(path.join(p, name))), 0)
    : statSync(p).mtimeMs

/** Builds the SDK's script-tag bundles when they are missing or older than a source file. */
export function ensureSdkBuilt() {
  const bundle = path.join(root, 'packages/sdk/dist/script/sdk.js')
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newest(path.join(root, 'packages/sdk/src'))) return
  const [cmd, prefix] = pnpmCommand()
  console.error('sightline: building the browser SDK')
  const result = spawnSync(cmd, [...prefix, '--filter', '@sightline/sdk', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (result.status !== 0) {
    console.error('sightline: the SDK build failed (see above); /sdk.js will serve a placeholder')
  }
}

/** Builds the dashboard (apps/dashboard/dist) when it is missing or older than a source file. */
export function ensureDashboardBuilt() {
  const dir = path.join(root, 'apps/dashboard')
  const built = path.join(dir, 'dist/index.html')
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) =>
    newest(path.join(dir, p)),
  )
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return true
  const [cmd, prefix] = pnpmCommand()
  console.error('sightline: building the dashboard')
  const result = spawnSync(cmd, [...prefix, '--filter', '@sightline/dashboard', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (result.status !== 0) console.error('sightline: the dashboard build failed (see above); / will say so')
  return result.status === 0
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) ensureInstalled()
