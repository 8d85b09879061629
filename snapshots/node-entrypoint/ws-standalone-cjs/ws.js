const WebSocket = require('ws');
const { setupSignalHandlers, registerWebSocketServer } = require('./shutdown');

setupSignalHandlers();

const wss = new WebSocket.Server({ port: 8080 });
registerWebSocketServer(wss);

wss.on('connection', (ws) => {
  ws.on('message', (data) => ws.send(data));
});
