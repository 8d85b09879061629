const express = require('express');

const app = express();

app.get('/', (req, res) => res.send('billing'));

// Closing an invoice run: about a second.
app.post('/invoices/close', (req, res) => {
  setTimeout(() => res.json({ closed: 3 }), 1000);
});
app.get('/invoices/close', (req, res) => {
  setTimeout(() => res.json({ closed: 3 }), 1000);
});

module.exports = app;
