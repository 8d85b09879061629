import express from 'express'
import { routes } from './routes'
import { setupSignalHandlers, registerHttpServer } from './shutdown'

setupSignalHandlers()

const app = express()
routes(app)

const server = app.listen(3000, () => console.log('ready'))
registerHttpServer(server)
