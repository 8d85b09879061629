// What `webpack serve` does (webpack-cli is not installed here): the webpack-dev-server Node API.
const webpack = require('webpack');
const WebpackDevServer = require('webpack-dev-server');
const config = require('./webpack.config.js');

const server = new WebpackDevServer(config.devServer, webpack(config));
server.start();
