import react from '@vitejs/plugin-react';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vite';
import { offlineOnly } from './vite-plugins/offlineOnly.js';

// The engine's declaration files (for Monaco's IntelliSense, monaco/engineTypes.ts), found through the declared
// dependency rather than a path into the repository.
const engineDist = path.join(path.dirname(createRequire(import.meta.url).resolve('@flowbook/engine/package.json')), 'dist');

// The server runs on 8888 by default; `npm run dev -w @flowbook/web` proxies to it.
export default defineConfig({
  plugins: [react(), offlineOnly()],
  resolve: {
    conditions: ['development'],
    alias: {
      '@flowbook/engine-declarations': engineDist,
      // y-monaco imports Monaco's old entry point, gone in monaco-editor 0.55+: the app's one Monaco is the same API.
      'monaco-editor/esm/vs/editor/editor.api.js': 'monaco-editor',
    },
  },
  build: { outDir: 'dist', chunkSizeWarningLimit: 8000, sourcemap: false },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8888',
      '/socket.io': { target: 'ws://127.0.0.1:8888', ws: true },
    },
  },
});
