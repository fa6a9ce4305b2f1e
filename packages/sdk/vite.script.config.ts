import { defineConfig } from 'vite'

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
  /^(activity|notify|subscribe|addJson|lastId|persist|onRejected|isOnline|kick|whenDelivered|trustedOnly|current|touch|renewed|sel|since|sent|cur|emit|exit|list|remove|outbox|compress|first|reportAllChanges|firstHiddenTime|onHidden)$/

export default defineConfig({
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
