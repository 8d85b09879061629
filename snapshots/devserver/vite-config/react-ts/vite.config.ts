import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { gracefulShutdown } from './devserver-shutdown.js'

// https://vite.dev/config/
export default defineConfig({
  plugins: [react(), gracefulShutdown()],
})
