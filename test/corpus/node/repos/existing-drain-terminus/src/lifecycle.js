const { createTerminus } = require('@godaddy/terminus');

// Health checks and signal handling live here, away from the entry file.
function installGracefulStop(server) {
  createTerminus(server, {
    signals: ['SIGTERM', 'SIGINT'],
    timeout: 8000,
    healthChecks: { '/healthz': async () => 'ok' },
    onSignal: async () => {
      console.log('closing connections to the ledger');
    },
    onShutdown: async () => {
      console.log('billing stopped');
    },
  });
}

module.exports = { installGracefulStop };
