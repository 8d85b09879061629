const express = require('express');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

const app = express();
app.get('/', (req, res) => res.json({ ok: true }));

if (require.main === module) {
  setupSignalHandlers();
  const server = app.listen(process.env.PORT || 3000);
  registerHttpServer(server);
}

module.exports = app;
