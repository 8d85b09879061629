import { defineConfig } from 'vite';
import { gracefulShutdown } from './devserver-shutdown.js';

export default defineConfig({
  plugins: [gracefulShutdown()],
  server: { port: 5173 },
});
