const path = require('node:path');

/** The API routes, and the built page at /app. */
function mount(app) {
  app.get('/', (_req, res) => res.send('ok'));
  // Work still in hand when the stop signal arrives.
  app.get('/slow', (_req, res) => setTimeout(() => res.send('done'), 1000));
  app.get('/app', (_req, res) => res.sendFile(path.join(__dirname, '..', 'dist', 'index.html')));
}

module.exports = { mount };
