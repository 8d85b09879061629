import { defineConfig, loadEnv } from 'vite'
import react from '@vitejs/plugin-react'
import { gracefulShutdown } from './devserver-shutdown.js'

export default defineConfig(async ({ mode }) => {
  const env = loadEnv(mode, process.cwd())
  const plugins = [react()]
  if (mode === 'test') {
    return { plugins: [plugins, gracefulShutdown()] }
  }
  return {
    plugins: [await extraPlugins(plugins), gracefulShutdown()],
    define: { __API__: JSON.stringify(env.VITE_API) },
  }
})

async function extraPlugins(base) {
  return base
}
