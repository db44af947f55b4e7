// The console's build: a static single-page app in console/dist, served by the analytics node
// at its own origin (so the session cookie is SameSite=Strict and no CORS is needed).
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': path.join(root, 'src') } },
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    // `vite` in dev: the API stays on the node, proxied so the browser sees one origin.
    proxy: { '/api': { target: process.env.ANALYTICS_URL ?? 'http://127.0.0.1:8788', changeOrigin: false } },
  },
});
