const express = require('express');

const app = express();
const port = Number(process.env.PORT) || 3000;

// Every order lookup takes a little while: it waits on the database.
app.get('/', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  res.json({ orders: [] });
});

app.get('/healthz', (req, res) => {
  res.send('ok');
});

app.listen(port, () => {
  console.log(`orders-api listening on port ${port}`);
});
