import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { offlineOnly } from './vite-plugins/offlineOnly.js';

// The server runs on 8888 by default; `npm run dev -w @flowbook/web` proxies to it.
export default defineConfig({
  plugins: [react(), offlineOnly()],
  resolve: { conditions: ['development'] },
  build: { outDir: 'dist', chunkSizeWarningLimit: 8000, sourcemap: false },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8888',
      '/socket.io': { target: 'ws://127.0.0.1:8888', ws: true },
    },
  },
});
