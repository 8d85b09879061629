'use strict'

module.exports = async function (fastify) {
  fastify.get('/', async () => [...fastify.store.values()])

  // Re-indexing the catalog takes about a second.
  fastify.get('/reindex', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    return { reindexed: fastify.store.size }
  })
}
