'use strict'

// A shared store decorated on the root instance (what fastify-plugin does: skip encapsulation).
async function store (fastify) {
  const items = new Map([[1, { id: 1, name: 'lamp' }]])
  fastify.decorate('store', items)
  fastify.addHook('onClose', async () => {
    items.clear()
    console.log('store closed')
  })
}

store[Symbol.for('skip-override')] = true
store[Symbol.for('fastify.display-name')] = 'store'

module.exports = store
