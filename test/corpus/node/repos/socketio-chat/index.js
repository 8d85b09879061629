const app = require('express')();
const http = require('http').Server(app);
const io = require('socket.io')(http);
const port = process.env.PORT || 3000;

app.get('/', (req, res) => {
  res.sendFile(__dirname + '/index.html');
});

// Chat history export: about a second of work.
app.get('/history', (req, res) => {
  setTimeout(() => res.json({ messages: [] }), 1000);
});

io.on('connection', (socket) => {
  socket.on('chat message', (msg) => {
    io.emit('chat message', msg);
  });
});

http.listen(port, () => {
  console.log(`chat running at http://localhost:${port}/`);
});
