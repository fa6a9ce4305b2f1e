// SDK size budget (issue 4): the core (all capture + web-vitals + delivery, no replay) ≤ 10 KB gzip and the
// replay chunk ≤ 25 KB gzip. Measures the script-tag files and the ESM entry bundled and minified with
// esbuild (ES2020), as a site's own bundler would. `--modules` prints each module's minified bytes in the
// core; `--no-build` measures the current dist/ (and the sources, for the ESM and module figures).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const sdk = path.join(root, 'packages/sdk')
const esbuild = createRequire(path.join(sdk, 'package.json'))('esbuild')
/** The targets (gzip). */
const TARGET = { core: 10 * 1024, replay: 25 * 1024 }
/**
 * What CI enforces today: a ratchet just above the measured size, so the SDK can only shrink. The core
 * misses its 10 KB target (13,487 bytes on 2026-11-22, see docs/benchmarks.md); lower this as it shrinks.
 */
const CEILING = { core: 13_600, replay: 25 * 1024 }

if (!process.argv.includes('--no-build')) {
  const r = spawnSync('pnpm', ['--filter', '@sightline/sdk', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const sizes = (buf) => ({
  raw: buf.length,
  gzip: gzipSync(buf, { level: 9 }).length,
  brotli: brotliCompressSync(buf).length,
})
const bundle = (entry, external = []) =>
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    external,
    define: { __SIGHTLINE_SCRIPT__: 'false' },
    logLevel: 'silent',
  }).outputFiles[0].contents

const rows = [
  [
    'core: script tag (dist/script/sdk.js)',
    sizes(readFileSync(path.join(sdk, 'dist/script/sdk.js'))),
    'core',
  ],
  [
    'core: ESM entry, bundled + minified',
    sizes(Buffer.from(bundle(path.join(sdk, 'src/index.ts'), ['./recorder.js']))),
    'core',
  ],
  [
    'replay: script tag (dist/script/sdk-replay.js)',
    sizes(readFileSync(path.join(sdk, 'dist/script/sdk-replay.js'))),
    'replay',
  ],
  [
    'replay: ESM recorder, bundled + minified',
    sizes(Buffer.from(bundle(path.join(sdk, 'src/replay/recorder.ts')))),
    'replay',
  ],
]
let over = 0
console.log(
  `${'bundle'.padEnd(48)} ${'raw'.padStart(8)} ${'gzip'.padStart(8)} ${'brotli'.padStart(8)}   target / CI ceiling (gzip)`,
)
for (const [name, s, kind] of rows) {
  const target = TARGET[kind]
  const ceiling = CEILING[kind]
  if (s.gzip > ceiling) over++
  const verdict =
    s.gzip > ceiling
      ? `FAIL: over the ceiling by ${s.gzip - ceiling}`
      : s.gzip > target
        ? `target missed by ${s.gzip - target}`
        : 'ok'
  console.log(
    `${name.padEnd(48)} ${String(s.raw).padStart(8)} ${String(s.gzip).padStart(8)} ${String(s.brotli).padStart(8)}   ${target} / ${ceiling}  ${verdict}`,
  )
}
if (process.argv.includes('--modules')) {
  // Each module's bytes inside the minified script-tag core (esbuild metafile): what to cut, precisely.
  const r = esbuild.buildSync({
    entryPoints: [path.join(sdk, 'src/script.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    metafile: true,
    define: { __SIGHTLINE_SCRIPT__: 'true' },
    logLevel: 'silent',
  })
  const inputs = Object.values(r.metafile.outputs)[0].inputs
  console.log(
    `\ncore modules, minified bytes in the bundle (gzip of the whole: ${gzipSync(r.outputFiles[0].contents, { level: 9 }).length}):`,
  )
  for (const [file, v] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
    console.log(
      `${String(v.bytesInOutput).padStart(6)}  ${file.replace(/^.*node_modules\//, '').replace(/^.*packages\/sdk\//, '')}`,
    )
  }
}
process.exit(over ? 1 : 0)
