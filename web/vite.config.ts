import { defineConfig } from "vite";

// The hub serves dist/ itself (arena/hub/webapp.py); `npm run dev` proxies the API to a hub.
export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 900 },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/ws": { target: "ws://127.0.0.1:8000", ws: true },
    },
  },
});
