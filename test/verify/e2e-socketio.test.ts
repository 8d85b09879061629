import { defineCase } from './scenario.js';

// socket.io's engine answers a plain WebSocket on its endpoint (the transport its clients upgrade to).
defineCase({ repo: 'socketio-chat', graceMs: 10_000, ws: '/socket.io/?EIO=4&transport=websocket' });
