import express from 'express'
import { setupSignalHandlers, registerHttpServer } from './shutdown.js'

setupSignalHandlers()

;(async () => {
  const app = express()
  const server = app.listen(3000)
  registerHttpServer(server)
  console.log('started', server.address())
})()
