import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          // Electron's main process.
          index: resolve('src-main/app/index.ts'),
          // The `crucible` command line (bin/crucible.js runs it), sharing chunks with main.
          cli: resolve('src-main/cli/main.ts'),
          // Worker thread for long jobs (training, folds, sweeps); run-in-worker.ts finds it beside main.
          'job-worker': resolve('src-main/engine/jobs/worker-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Bundled into one CommonJS file: a sandboxed preload can require nothing but electron.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src-renderer'),
    plugins: [svelte()],
    build: {
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
