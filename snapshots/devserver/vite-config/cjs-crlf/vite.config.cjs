'use strict';
const { defineConfig } = require('vite');
const { gracefulShutdown } = require('./devserver-shutdown.cjs');

/* dev config */
module.exports = defineConfig({
  plugins: [gracefulShutdown()],
  root: 'src',
  server: { host: true },
});
