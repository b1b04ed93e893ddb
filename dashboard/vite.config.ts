import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// API paths share the origin with the SPA; in `vite` dev mode, requests that are not page
// navigations (Accept: text/html) go to the API server (MAILWRIGHT_API, default :3000).
const api = process.env.MAILWRIGHT_API ?? 'http://localhost:3000';
const API_PREFIXES = ['/auth', '/users', '/projects', '/contacts', '/segments', '/workflows', '/templates', '/emails', '/inbox', '/activity', '/events', '/domains', '/suppression-list', '/config', '/health', '/v1'];

export default defineConfig({
  root: 'src',
  base: '/',
  publicDir: false,
  plugins: [react(), tailwindcss()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Never inline assets as data: URIs (a strict CSP may refuse them).
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: Object.fromEntries(
      API_PREFIXES.map((prefix) => [
        prefix,
        {
          target: api,
          // The API checks Origin against its PUBLIC_URL (CSRF): present the API's own origin.
          configure: (proxy) => proxy.on('proxyReq', (proxyReq) => proxyReq.setHeader('origin', new URL(api).origin)),
          bypass: (req) => (req.headers.accept?.includes('text/html') ? '/index.html' : undefined),
        },
      ]),
    ),
  },
});
