import type { UserConfig } from 'vite'
import { gracefulShutdown } from './devserver-shutdown.js'

const config = {
  plugins: [gracefulShutdown()],
  build: { sourcemap: true },
} satisfies UserConfig

export default config
