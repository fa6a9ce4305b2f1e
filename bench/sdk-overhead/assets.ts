/**
 * Scripts the bench serves: the SDK's script-tag builds (packages/sdk/dist/script, built by
 * `pnpm --filter @sightline/sdk build`), an IIFE bundle of the published `@rrweb/record` (esbuild, built
 * here, resolved from packages/sdk so the version is the SDK's own; see bundleRrweb), and one IIFE bundle per peer SDK
 * (peers.ts) built with bench/sdk-size's own esbuild from the packages installed there (exact
 * versions; `pnpm install` runs there first when its node_modules is missing).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PEER_DEFS, PEERS, type PeerAssets, type PeerId } from './peers.js'

export interface Assets extends PeerAssets {
  sdk: string
  sdkReplay: string
  rrweb: string
  rrwebVersion: string
  /** The peers' IIFE bundles, each exposing `benchPeer.start(config)`. */
  peers: Record<PeerId, string>
  /** Versions of the peers' packages, as installed in bench/sdk-size. */
  peerVersions: Record<string, string>
  esbuildVersion: string
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const sdkDir = `${root}packages/sdk/`
const requireFromSdk = createRequire(`${sdkDir}package.json`)
const peersDir = `${root}bench/sdk-size/`
const requireFromPeers = createRequire(`${peersDir}package.json`)

interface EsbuildApi {
  version: string
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>
}

/**
 * The published `@rrweb/record`, as the IIFE `rrwebRecord`. The SDK bundles a patched copy (ADR 0019): the
 * patch changes only the package's ESM file, dist/record.js, so "rrweb alone" is built from its CommonJS file,
 * dist/record.cjs, which stays as published; the build fails if that ever stops being true. With
 * `sightlineOptions`, its `record()` takes the SDK's own rrweb options (recordOptions of the default privacy
 * level, from the SDK's sources) over the caller's: rrweb alone with Sightline's privacy and sampling
 * settings, which tells their cost apart from the rest of the SDK.
 */
export async function bundleRrweb(sightlineOptions = false): Promise<string> {
  const esbuild = (await import(pathToFileURL(requireFromSdk.resolve('esbuild')).href)) as EsbuildApi
  const file = requireFromSdk.resolve('@rrweb/record')
  if (!file.endsWith('.cjs') || readFileSync(file, 'utf8').includes('Sightline patch'))
    throw new Error(`${file}: not the published @rrweb/record (the bench's "rrweb alone" must be unpatched)`)
  const entry = JSON.stringify(file)
  const contents = sightlineOptions
    ? `import { record as r } from ${entry}; import { recordOptions } from ${JSON.stringify(`${sdkDir}src/replay/recordOptions.ts`)};
       export const record = (o) => r({ ...o, ...recordOptions('default') })`
    : `export { record } from ${entry}`
  const out = await esbuild.build({
    stdin: { contents, resolveDir: sdkDir, loader: 'js' },
    bundle: true,
    format: 'iife',
    globalName: 'rrwebRecord',
    target: 'es2020',
    minify: true,
    write: false,
  })
  const code = out.outputFiles[0]?.text
  if (!code) throw new Error('esbuild produced no rrweb bundle')
  return code
}

function rrwebVersion(): string {
  const entry = requireFromSdk.resolve('@rrweb/record')
  const pkg = `${entry.slice(0, entry.lastIndexOf('/dist/'))}/package.json`
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

function installPeers() {
  if (existsSync(`${peersDir}node_modules/.modules.yaml`)) return
  console.error('installing bench/sdk-size (the peers’ SDKs) …')
  const r = spawnSync('pnpm', ['install', '--frozen-lockfile'], { cwd: peersDir, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`pnpm install in bench/sdk-size failed:\n${r.stdout}\n${r.stderr}`)
}

function packageVersion(name: string): string {
  const pkg = requireFromPeers.resolve(`${name}/package.json`)
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

/**
 * One peer's entry as a single minified IIFE (`benchPeer.start`), with the options bench/sdk-size
 * bundles with (browser, ES2020, `production` condition, NODE_ENV=production). Without code splitting,
 * esbuild inlines what an SDK imports lazily (Datadog's recorder), so it is in the one script.
 */
async function bundlePeer(esbuild: EsbuildApi, id: PeerId): Promise<string> {
  const out = await esbuild.build({
    stdin: { contents: PEER_DEFS[id].entry, resolveDir: peersDir, loader: 'js', sourcefile: `${id}.js` },
    bundle: true,
    format: 'iife',
    globalName: 'benchPeer',
    platform: 'browser',
    target: 'es2020',
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    minify: true,
    write: false,
    logLevel: 'error',
  })
  const code = out.outputFiles[0]?.text
  if (!code) throw new Error(`esbuild produced no bundle for ${id}`)
  return code
}

async function loadPeers() {
  installPeers()
  const esbuild = (await import(pathToFileURL(requireFromPeers.resolve('esbuild')).href)) as EsbuildApi & {
    default?: EsbuildApi
  }
  const api = esbuild.default ?? esbuild
  const bundles = await Promise.all(PEERS.map((id) => bundlePeer(api, id)))
  const peers = Object.fromEntries(PEERS.map((id, i) => [id, bundles[i] as string])) as Record<PeerId, string>
  const names = [...new Set(PEERS.flatMap((id) => PEER_DEFS[id].packages))]
  const peerVersions = Object.fromEntries(names.map((n) => [n, packageVersion(n)]))
  // PostHog's run-time files (dist/<name>.js of the installed posthog-js, as its CDN serves them).
  const posthogDist = `${requireFromPeers.resolve('posthog-js/package.json').slice(0, -'package.json'.length)}dist/`
  const posthogStatic = (name: string) => {
    const file = `${posthogDist}${name}.js`
    return /^[a-z-]+$/.test(name) && existsSync(file) ? readFileSync(file, 'utf8') : null
  }
  return { peers, peerVersions, posthogStatic, esbuildVersion: api.version }
}

export async function loadAssets(): Promise<Assets> {
  const dist = `${sdkDir}dist/script/`
  for (const f of ['sdk.js', 'sdk-replay.js'])
    if (!existsSync(dist + f))
      throw new Error(`${dist}${f} is missing: run \`pnpm --filter @sightline/sdk build\` first`)
  return {
    sdk: readFileSync(`${dist}sdk.js`, 'utf8'),
    sdkReplay: readFileSync(`${dist}sdk-replay.js`, 'utf8'),
    rrweb: await bundleRrweb(),
    rrwebVersion: rrwebVersion(),
    ...(await loadPeers()),
  }
}
