import express from 'express';
import { formatPrice, wait } from '@acme/shared';

const app = express();
const port = process.env.PORT || 3000;

app.get('/', (req, res) => {
  res.send('api');
});

app.get('/quote', async (req, res) => {
  await wait(1000); // the pricing engine takes about a second
  res.json({ price: formatPrice(1999) });
});

app.listen(port, () => {
  console.log(`api listening on ${port}`);
});
