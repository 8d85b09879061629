#!/usr/bin/env node
/**
 * API server.
 * Copyright (c) Example Corp.
 */
// @ts-check

const express = require('express');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();

const app = express();
const server = app.listen(process.env.PORT || 3000);
registerHttpServer(server);
