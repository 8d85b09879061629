// What `webpack serve` does (webpack-cli is not installed here): the webpack-dev-server Node API,
// with the generated module taking over signals (webpack-dev-server's own handling switched off).
const webpack = require('webpack');
const WebpackDevServer = require('webpack-dev-server');
const config = require('./webpack.config.js');
const { registerCleanup, registerHttpServer, registerWebSocketServer } = require('./devserver-shutdown.cjs');

const server = new WebpackDevServer({ ...config.devServer, setupExitSignals: false }, webpack(config));
server.start().then(() => {
  registerHttpServer(server.server);
  // webpack-dev-server keeps its clients on the wrapper (the ws server runs with clientTracking off).
  registerWebSocketServer(server.webSocketServer);
  registerCleanup('webpack-dev-server', () => server.stop());
});
