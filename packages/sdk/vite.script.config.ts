import { minify } from 'terser'
import { defineConfig, type Plugin } from 'vite'

/**
 * Script-tag builds (IIFE, one file each, cannot code-split): SIGHTLINE_ENTRY=core → dist/script/sdk.js,
 * SIGHTLINE_ENTRY=replay → dist/script/sdk-replay.js, which sdk.js loads only when replay is on.
 */
const replay = process.env.SIGHTLINE_ENTRY === 'replay'

/**
 * Property names the core's minifier shortens (≈ 140 B gzip): only names that live and die inside sdk.js.
 * Never a host API, wire-format or persisted field (events, envelope, outbox items, the session record),
 * public API (`flush`, `stop`, options) or what crosses to sdk-replay.js (`now`, `pageUrl`, `emitReplay`,
 * `options`, `startRecorder`). `reportAllChanges`, `firstHiddenTime` and `onHidden` are web-vitals' own.
 */
const INTERNAL_PROPS =
  /^(activity|notify|subscribe|addJson|lastId|persist|onRejected|isOnline|kick|whenDelivered|trustedOnly|current|touch|sel|since|sent|cur|emit|exit|list|remove|outbox|compress|first|reportAllChanges|firstHiddenTime|onHidden)$/

/**
 * A second, compress-only pass of terser over what oxc produced (names stay oxc's, source map composed). It
 * finds what oxc leaves (single-use functions inlined into their caller, write-only variables, some boolean
 * rewrites): -39 B gzip on the core, -315 B on the replay chunk. terser alone, mangling included, is 100+ B
 * worse than oxc on the core (docs/benchmarks.md).
 */
const terserPass = (): Plugin => ({
  name: 'sightline:terser-pass',
  async generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue
      const out = await minify(chunk.code, {
        ecma: 2020,
        compress: { ecma: 2020, passes: 2 },
        mangle: false,
        format: { comments: false, ecma: 2020 },
        sourceMap: chunk.map ? { content: JSON.stringify(chunk.map) } : false,
      })
      chunk.code = out.code!
      if (chunk.map && typeof out.map === 'string') Object.assign(chunk.map, JSON.parse(out.map))
    }
  },
})

export default defineConfig({
  plugins: [terserPass()],
  define: { __SIGHTLINE_SCRIPT__: 'true' },
  build: {
    target: 'es2022',
    outDir: 'dist/script',
    emptyOutDir: false,
    // The map is written next to the bundle (scripts/size.mjs --modules and bench/sdk-overhead read it) but not
    // referenced from it: the collector serves sdk.js and sdk-replay.js only, so a sourceMappingURL comment would
    // cost every page bytes for a URL that answers 404.
    sourcemap: 'hidden',
    lib: {
      entry: replay ? 'src/replay/scriptEntry.ts' : 'src/script.ts',
      formats: ['iife'],
      name: replay ? 'sightlineReplay' : 'sightlineSdk',
      fileName: () => (replay ? 'sdk-replay.js' : 'sdk.js'),
    },
    rolldownOptions: replay ? {} : { output: { minify: { mangleProps: { include: INTERNAL_PROPS } } } },
  },
})
