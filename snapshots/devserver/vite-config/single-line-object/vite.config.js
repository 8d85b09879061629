import { defineConfig } from 'vite';
import { gracefulShutdown } from './devserver-shutdown.js';
export default defineConfig({ root: 'web', plugins: [a(), b(), gracefulShutdown()] });
