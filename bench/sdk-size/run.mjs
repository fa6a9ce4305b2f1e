// bench/sdk-size: Sightline's SDK against its peers, every one bundled the same way. One entry file per
// variant (entries/) initialises the SDK the way its documentation does, so tree-shaking keeps what a real
// site keeps. Each is bundled by esbuild (bundle, minify, ESM with code splitting, browser, ES2020,
// NODE_ENV=production, no legal comments); the chunk the page loads first and each lazily imported chunk are
// measured raw, gzip (level 9) and brotli (quality 11). Results: bench/results/sdk-size.json and a Markdown
// table on stdout.
//
//   pnpm bench:sdk-size                  # from the repository root (installs this folder, builds the SDK)
//   BENCH_BUILD=0 node bench/sdk-size/run.mjs
//
// This folder is its own pnpm root (pnpm-workspace.yaml): the peers' packages stay out of the workspace.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const require = createRequire(import.meta.url)
const esbuild = require('esbuild')

/**
 * `lazy` names the chunks a variant imports dynamically (matched on the chunk's source path) and says when
 * each is loaded; `fetched` names files the SDK fetches from its host at run time, bundled here from their own
 * entry so that they are measured like the rest.
 */
const VARIANTS = [
  {
    id: 'sightline',
    product: 'Sightline',
    packages: [],
    includes:
      'all capture modules (clicks, rage/dead/error clicks, scroll, mouse, keys, forms, console, errors, fetch/XHR, web vitals, page views, visibility, elements), sessions, batching, outbox, sender; replay (@rrweb/record) as a lazy chunk',
    lazy: [{ match: /replay\/recorder\.ts$/, label: 'replay', when: 'replay on (default)' }],
  },
  {
    id: 'datadog',
    product: 'Datadog RUM',
    packages: ['@datadog/browser-rum'],
    includes:
      'RUM (views, actions, resources, long tasks, errors, web vitals); Session Replay recorder as a lazy chunk (same package); profiler as a lazy chunk',
    lazy: [
      { match: /datadogRecorder/, label: 'replay', when: 'session sampled for replay' },
      {
        match: /datadogProfiler/,
        label: 'profiler',
        when: 'profilingSampleRate > 0 (default 0)',
        optional: true,
      },
    ],
  },
  {
    id: 'sentry',
    product: 'Sentry',
    packages: ['@sentry/browser'],
    includes: 'errors with default integrations + browserTracingIntegration (web vitals, fetch/XHR spans)',
  },
  {
    id: 'sentry-replay',
    product: 'Sentry',
    base: 'sentry',
    packages: ['@sentry/browser'],
    includes: 'sentry + replayIntegration (statically bundled, as documented; compression worker inlined)',
  },
  {
    id: 'posthog',
    product: 'PostHog',
    packages: ['posthog-js'],
    includes:
      'posthog-js npm module (prebuilt bundle: autocapture, pageviews, feature flags, heatmaps, …); session recorder fetched from the PostHog host at run time (dist/lazy-recorder.js). Other run-time extensions (surveys, web vitals, dead clicks, exception autocapture) are fetched only when remote config enables them and are not counted',
    fetched: [{ entry: 'posthog-recorder.js', label: 'replay', when: 'recording enabled (remote config)' }],
  },
  {
    id: 'openreplay',
    product: 'OpenReplay',
    packages: ['@openreplay/tracker'],
    includes: 'tracker with its own recorder (replay always included) and its inlined web worker',
  },
  {
    id: 'faro',
    product: 'Grafana Faro',
    packages: ['@grafana/faro-web-sdk'],
    includes: 'getWebInstrumentations(): errors, console, web vitals, session, views, performance',
  },
  {
    id: 'faro-tracing',
    product: 'Grafana Faro',
    base: 'faro',
    packages: ['@grafana/faro-web-sdk', '@grafana/faro-web-tracing'],
    includes: 'faro + TracingInstrumentation (OpenTelemetry fetch/XHR and document-load spans)',
  },
  {
    id: 'faro-replay',
    product: 'Grafana Faro',
    base: 'faro',
    packages: ['@grafana/faro-web-sdk', '@grafana/faro-instrumentation-replay'],
    includes: 'faro + ReplayInstrumentation (experimental package, a fork of rrweb, statically bundled)',
  },
  {
    id: 'rrweb',
    product: 'rrweb',
    packages: ['@rrweb/record'],
    includes: 'record() with defaults: the recorder every rrweb-based replay starts from',
  },
]

const BUILD = {
  bundle: true,
  minify: true,
  format: 'esm',
  splitting: true,
  platform: 'browser',
  target: 'es2020',
  conditions: ['production'],
  define: { 'process.env.NODE_ENV': '"production"', __SIGHTLINE_SCRIPT__: 'false' },
  legalComments: 'none',
  write: false,
  metafile: true,
  logLevel: 'silent',
  absWorkingDir: here,
  outdir: 'out',
}

const sizes = (buffers) => {
  const s = { raw: 0, gzip: 0, brotli: 0 }
  for (const b of buffers) {
    s.raw += b.length
    s.gzip += gzipSync(b, { level: 9 }).length
    s.brotli += brotliCompressSync(b).length
  }
  return s
}
const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli })
const minus = (a, b) => ({ raw: a.raw - b.raw, gzip: a.gzip - b.gzip, brotli: a.brotli - b.brotli })

/** One esbuild run: the entry's chunk and its static imports, and each dynamically imported chunk group. */
async function bundle(entry) {
  const result = await esbuild.build({ ...BUILD, entryPoints: [path.join('entries', entry)] })
  const outputs = result.metafile.outputs
  const contents = new Map(
    result.outputFiles.map((f) => [path.relative(here, f.path), Buffer.from(f.contents)]),
  )
  const closure = (start, exclude) => {
    const seen = new Set()
    const todo = [start]
    while (todo.length) {
      const file = todo.pop()
      if (seen.has(file) || exclude.has(file)) continue
      seen.add(file)
      for (const i of outputs[file].imports)
        if (i.kind === 'import-statement' && !i.external) todo.push(i.path)
    }
    return seen
  }
  const entryFile = Object.keys(outputs).find((k) => outputs[k].entryPoint === `entries/${entry}`)
  if (!entryFile) throw new Error(`${entry}: no output for the entry`)
  const initial = closure(entryFile, new Set())
  const dynamic = new Set(
    Object.values(outputs).flatMap((o) =>
      o.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path),
    ),
  )
  const lazy = [...dynamic]
    .filter((file) => !initial.has(file))
    .map((file) => {
      const files = closure(file, initial)
      return {
        source: outputs[file].entryPoint ?? file,
        files: [...files],
        size: sizes([...files].map((f) => contents.get(f))),
      }
    })
  return {
    initial: { files: [...initial], size: sizes([...initial].map((f) => contents.get(f))) },
    lazy,
    warnings: result.warnings.map((w) => w.text),
  }
}

function version(name) {
  // node_modules/<name> directly: not every package exports its package.json.
  return JSON.parse(readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version
}

function git(...args) {
  return spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim()
}

function buildSdk() {
  if (process.env.BENCH_BUILD === '0') return
  console.error('building @sightline/sdk …')
  const r = spawnSync('pnpm', ['--filter', '@sightline/sdk', 'build'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`SDK build failed:\n${r.stdout}\n${r.stderr}`)
}

async function measureVariant(v) {
  const b = await bundle(`${v.id}.js`)
  const lazy = []
  for (const chunk of b.lazy) {
    const known = (v.lazy ?? []).find((l) => l.match.test(chunk.source))
    if (!known) throw new Error(`${v.id}: unexpected lazy chunk from ${chunk.source}; name it in VARIANTS`)
    lazy.push({
      label: known.label,
      when: known.when,
      optional: Boolean(known.optional),
      source: chunk.source,
      ...chunk.size,
    })
  }
  for (const l of v.lazy ?? []) {
    if (!lazy.some((c) => c.label === l.label))
      throw new Error(`${v.id}: expected a lazy ${l.label} chunk, found none`)
  }
  for (const f of v.fetched ?? []) {
    const fb = await bundle(f.entry)
    if (fb.lazy.length) throw new Error(`${f.entry}: unexpected lazy chunks`)
    lazy.push({
      label: f.label,
      when: f.when,
      optional: false,
      source: `entries/${f.entry}`,
      fetchedAtRunTime: true,
      ...fb.initial.size,
    })
  }
  const replay = lazy.find((c) => c.label === 'replay')
  return {
    id: v.id,
    product: v.product,
    packages: Object.fromEntries(v.packages.map((p) => [p, version(p)])),
    includes: v.includes,
    entry: `bench/sdk-size/entries/${v.id}.js`,
    initial: { ...b.initial.size, chunks: b.initial.files.length },
    lazy,
    /** What a session with replay downloads: the first load plus the replay chunk, if loaded separately. */
    withReplay: replay ? add(b.initial.size, replay) : b.initial.size,
    warnings: b.warnings,
  }
}

/** Per product: the part without replay, the replay part (a lazy chunk, or the difference to the base), both. */
function summarise(variants) {
  const byId = Object.fromEntries(variants.map((v) => [v.id, v]))
  const row = (id, core, replay, note) => ({
    id,
    core,
    replay,
    total: replay && core ? add(core, replay) : (core ?? replay),
    note,
  })
  const lazyReplay = (v) => v.lazy.find((c) => c.label === 'replay')
  const s = byId.sightline
  const d = byId.datadog
  const p = byId.posthog
  return [
    row('sightline', s.initial, lazyReplay(s), 'replay: lazy chunk'),
    row('datadog', d.initial, lazyReplay(d), 'replay: lazy chunk'),
    row(
      'sentry',
      byId.sentry.initial,
      minus(byId['sentry-replay'].initial, byId.sentry.initial),
      'replay: bundled, difference to sentry alone',
    ),
    row('posthog', p.initial, lazyReplay(p), 'replay: fetched at run time'),
    {
      id: 'openreplay',
      core: null,
      replay: null,
      total: byId.openreplay.initial,
      note: 'replay always included, no split',
    },
    row(
      'faro',
      byId.faro.initial,
      minus(byId['faro-replay'].initial, byId.faro.initial),
      'replay: bundled, difference to faro alone',
    ),
    row('faro-tracing', byId['faro-tracing'].initial, null, 'tracing, no replay'),
    row('rrweb', null, byId.rrweb.initial, 'recorder only'),
  ]
}

const kb = (n) => n.toLocaleString('en-US')
const cell = (s) => (s ? kb(s.gzip) : '—')

function markdown(result) {
  const lines = [
    '| variant (version) | first load raw | gzip | brotli | lazy chunks (gzip) | with replay: gzip | brotli |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: |',
  ]
  for (const v of result.variants) {
    const versions = Object.entries(v.packages)
      .map(([n, ver]) => `${n} ${ver}`)
      .join(', ')
    const lazy =
      v.lazy.map((c) => `${c.label}${c.fetchedAtRunTime ? ' (fetched)' : ''} ${kb(c.gzip)}`).join('; ') || '—'
    lines.push(
      `| ${v.id}${versions ? ` (${versions})` : ''} | ${kb(v.initial.raw)} | ${kb(v.initial.gzip)} | ${kb(v.initial.brotli)} | ${lazy} | ${kb(v.withReplay.gzip)} | ${kb(v.withReplay.brotli)} |`,
    )
  }
  lines.push(
    '',
    '| product | without replay (gzip) | replay part (gzip) | with replay (gzip) | how |',
    '| --- | ---: | ---: | ---: | --- |',
  )
  for (const r of result.summary)
    lines.push(`| ${r.id} | ${cell(r.core)} | ${cell(r.replay)} | ${cell(r.total)} | ${r.note} |`)
  lines.push(
    '',
    '| Sightline as served (vite build, not re-bundled) | raw | gzip | brotli |',
    '| --- | ---: | ---: | ---: |',
  )
  for (const [name, s] of Object.entries(result.sightlineScriptTag))
    lines.push(`| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`)
  return lines.join('\n')
}

async function main() {
  buildSdk()
  const variants = []
  for (const v of VARIANTS) {
    console.error(`bundling ${v.id} …`)
    variants.push(await measureVariant(v))
  }
  const dist = path.join(root, 'packages/sdk/dist/script')
  const result = {
    date: new Date().toISOString(),
    method:
      'esbuild bundle, minify, ESM with splitting, platform browser, target es2020, conditions [production], NODE_ENV=production, legalComments none; gzip level 9, brotli quality 11; sizes of several files are summed per file',
    esbuild: esbuild.version,
    node: process.version,
    sightline: {
      commit: git('rev-parse', 'HEAD'),
      uncommittedSdkChanges: git('status', '--porcelain', 'packages/sdk') !== '',
    },
    variants,
    summary: summarise(variants),
    sightlineScriptTag: {
      'dist/script/sdk.js': sizes([readFileSync(path.join(dist, 'sdk.js'))]),
      'dist/script/sdk-replay.js': sizes([readFileSync(path.join(dist, 'sdk-replay.js'))]),
    },
  }
  const out = path.join(root, 'bench/results/sdk-size.json')
  mkdirSync(path.dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(markdown(result))
  console.error(`\nwritten: ${path.relative(root, out)}`)
}

await main()
