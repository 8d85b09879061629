const { setupSignalHandlers, registerHttpServer, registerShutdownHandler } = require('./shutdown')

setupSignalHandlers()

const fastify = require('fastify')({ logger: true })
registerHttpServer(fastify.server)
registerShutdownHandler('fastify', () => fastify.close())

fastify.get('/', async () => ({ hello: 'world' }))

const start = async () => {
  try {
    await fastify.listen({ port: 3000, host: '0.0.0.0' })
  } catch (err) {
    fastify.log.error(err)
    process.exit(1)
  }
}
start()
