const express = require('express');

const app = express();

app.use(express.json());

app.get('/', (req, res) => {
  res.send({ status: 'up' });
});

// Exporting users to CSV takes about a second.
app.get('/v1/users/export', (req, res) => {
  setTimeout(() => res.type('text/csv').send('id,name\n1,ada\n'), 1000);
});

module.exports = app;
