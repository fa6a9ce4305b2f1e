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

/** Builds the SDK's script-tag bundles when they are missing or older than a source file. */
export function ensureSdkBuilt() {
  const bundle = path.join(root, 'packages/sdk/dist/script/sdk.js')
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name)
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
    }, 0)
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) ensureInstalled()
