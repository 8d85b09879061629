'use strict'

const Fastify = require('fastify')

const fastify = Fastify({ logger: false })

fastify.register(require('./plugins/store'))
fastify.register(require('./routes/root'))
fastify.register(require('./routes/items'), { prefix: '/items' })

const port = Number(process.env.PORT) || 3000

fastify.listen({ port, host: '0.0.0.0' }, (err, address) => {
  if (err) {
    console.error(err)
    process.exit(1)
  }
  console.log(`catalog listening at ${address}`)
})
