import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built with `vite build --config web/vite.config.ts` from the repository root.
// The server serves web/dist at `/` with an SPA fallback to index.html.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `vite --config web/vite.config.ts` for UI work against a running `npm run dev` server.
    proxy: { '/api': process.env.DANGAN_API_URL ?? 'http://127.0.0.1:3000' },
  },
});
