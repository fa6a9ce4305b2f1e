import { defineConfig } from 'vite'

/**
 * Script-tag builds (IIFE, one file each, cannot code-split): SIGHTLINE_ENTRY=core → dist/script/sdk.js,
 * SIGHTLINE_ENTRY=replay → dist/script/sdk-replay.js, which sdk.js loads only when replay is on.
 */
const replay = process.env.SIGHTLINE_ENTRY === 'replay'

export default defineConfig({
  define: { __SIGHTLINE_SCRIPT__: 'true' },
  build: {
    target: 'es2020',
    outDir: 'dist/script',
    emptyOutDir: false,
    sourcemap: true,
    lib: {
      entry: replay ? 'src/replay/scriptEntry.ts' : 'src/script.ts',
      formats: ['iife'],
      name: replay ? 'sightlineReplay' : 'sightlineSdk',
      fileName: () => (replay ? 'sdk-replay.js' : 'sdk.js'),
    },
  },
})
