// SDK size budget (issue 4): the core (all capture + web-vitals + delivery, no replay) ≤ 10 KB gzip and the
// replay chunk ≤ 25 KB gzip. Measures the script-tag files and the ESM entry bundled and minified with
// esbuild (ES2022, the build target), as a site's own bundler would. `--modules` prints what each source file
// weighs in the served core (minified bytes, and the gzip bytes its removal would save); `--no-build` measures
// the current dist/ (and the sources, for the ESM figures).
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
 * What CI enforces today: a ratchet just above each measured size, so the SDK can only shrink. The core
 * misses its 10 KB target (see docs/benchmarks.md and ADR 0008); lower these as it shrinks. The ESM entry is
 * larger: a site's bundler does not shorten the SDK's internal property names nor run the second terser pass
 * (vite.script.config.ts does both, for the script tag).
 * 2026-12-06: script tag 13,178 (was 13,136), ESM 13,445 (was 13,472). The script-tag ceiling went up by 40
 * bytes, on purpose: the main-thread pass of ADR 0018 (labels looked up once per control, the selection
 * read at the click instead of on every selectionchange, listeners off while they have nothing to learn, the
 * session checked once a second) took core's own script time on bench/sdk-overhead from 87 to 64 ms per
 * 20 s over no SDK (docs/benchmarks.md); what it added was cut back elsewhere down to 25 bytes (gzip weighs
 * such shifts by ±20), and the sender's injectable fetch, which reliability/lib/loadgen.ts needs, is 17 more.
 */
const CEILING = {
  'core script': 13_180,
  'core esm': 13_450,
  'replay script': 25 * 1024,
  'replay esm': 25 * 1024,
}

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
    target: 'es2022',
    write: false,
    external,
    define: { __SIGHTLINE_SCRIPT__: 'false' },
    logLevel: 'silent',
  }).outputFiles[0].contents

const rows = [
  [
    'core: script tag (dist/script/sdk.js)',
    sizes(readFileSync(path.join(sdk, 'dist/script/sdk.js'))),
    'core script',
  ],
  [
    'core: ESM entry, bundled + minified',
    sizes(Buffer.from(bundle(path.join(sdk, 'src/index.ts'), ['./recorder.js']))),
    'core esm',
  ],
  [
    'replay: script tag (dist/script/sdk-replay.js)',
    sizes(readFileSync(path.join(sdk, 'dist/script/sdk-replay.js'))),
    'replay script',
  ],
  [
    'replay: ESM recorder, bundled + minified',
    sizes(Buffer.from(bundle(path.join(sdk, 'src/replay/recorder.ts')))),
    'replay esm',
  ],
]
let over = 0
console.log(
  `${'bundle'.padEnd(48)} ${'raw'.padStart(8)} ${'gzip'.padStart(8)} ${'brotli'.padStart(8)}   target / CI ceiling (gzip)`,
)
for (const [name, s, row] of rows) {
  const target = TARGET[row.split(' ')[0]]
  const ceiling = CEILING[row]
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
// bench/sdk-overhead/profile.ts maps profiler columns through the first line of the source map: the
// script-tag bundles must stay one line (the minifier turns a '\n' string into a template literal holding
// a real newline, which silently breaks that mapping).
for (const file of ['sdk.js', 'sdk-replay.js']) {
  if (readFileSync(path.join(sdk, 'dist/script', file), 'utf8').includes('\n')) {
    console.log(`FAIL: dist/script/${file} is more than one line (a '\\n' string in the source?)`)
    over++
  }
}
if (process.argv.includes('--modules')) {
  // What each source file weighs inside the served core, from its source map: minified bytes, and gzip bytes
  // saved if that file's code were gone (gzip of the whole minus gzip without it), which is what a cut buys.
  const code = readFileSync(path.join(sdk, 'dist/script/sdk.js'), 'utf8')
  const map = JSON.parse(readFileSync(path.join(sdk, 'dist/script/sdk.js.map'), 'utf8'))
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const owner = new Int32Array(code.length).fill(-1)
  let lineAt = 0
  let source = 0
  let mark = 0
  let last = -1
  for (const line of map.mappings.split(';')) {
    let col = 0
    for (const seg of line.split(',')) {
      const v = []
      for (let i = 0, shift = 0, acc = 0; i < seg.length; i++) {
        const d = B64.indexOf(seg[i])
        acc += (d & 31) << shift
        shift += 5
        if (!(d & 32)) {
          v.push(acc & 1 ? -(acc >>> 1) : acc >>> 1)
          acc = shift = 0
        }
      }
      if (!v.length) continue
      col += v[0]
      owner.fill(last, mark, lineAt + col)
      mark = lineAt + col
      if (v.length >= 4) source += v[1]
      last = v.length >= 4 ? source : -1
    }
    lineAt = code.indexOf('\n', lineAt) + 1 || code.length
  }
  owner.fill(last, mark, code.length)
  const whole = gzipSync(code, { level: 9 }).length
  const rows = [...new Set(owner)].map((f) => {
    let kept = ''
    let bytes = 0
    for (let i = 0; i < code.length; i++) {
      if (owner[i] === f) bytes++
      else kept += code[i]
    }
    const name =
      f < 0 ? '(wrapper)' : map.sources[f].replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '')
    return [whole - gzipSync(kept, { level: 9 }).length, bytes, name]
  })
  console.log(
    `\ncore (dist/script/sdk.js, gzip ${whole}) by source: gzip bytes saved without it, minified bytes`,
  )
  for (const [g, bytes, name] of rows.sort((a, b) => b[0] - a[0]))
    console.log(`${String(g).padStart(6)} ${String(bytes).padStart(7)}  ${name}`)
}
process.exit(over ? 1 : 0)
