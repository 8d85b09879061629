import { gracefulShutdown } from './devserver-shutdown.js'

export default { plugins: [gracefulShutdown()] }
