/**
 * Scripts the bench serves: the SDK's script-tag builds (packages/sdk/dist/script, built by
 * `pnpm --filter @sightline/sdk build`) and an IIFE bundle of `@rrweb/record` (esbuild, built here,
 * both resolved from packages/sdk so the version is the SDK's own).
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface Assets {
  sdk: string
  sdkReplay: string
  rrweb: string
  rrwebVersion: string
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const sdkDir = `${root}packages/sdk/`
const requireFromSdk = createRequire(`${sdkDir}package.json`)

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>
}

async function bundleRrweb(): Promise<string> {
  const esbuild = (await import(pathToFileURL(requireFromSdk.resolve('esbuild')).href)) as EsbuildApi
  const entry = requireFromSdk.resolve('@rrweb/record')
  const out = await esbuild.build({
    stdin: { contents: `export { record } from ${JSON.stringify(entry)}`, resolveDir: sdkDir, loader: 'js' },
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
  }
}
