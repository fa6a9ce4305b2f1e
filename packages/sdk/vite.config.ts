import { defineConfig } from 'vite'

/** ESM build: `dist/sightline.js` plus the lazily imported recorder chunk (rrweb). */
export default defineConfig({
  define: { __SIGHTLINE_SCRIPT__: 'false' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'sightline.js' },
    minify: true,
    rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
  },
})
