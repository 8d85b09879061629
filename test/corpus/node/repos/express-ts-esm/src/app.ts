import express, { type Express } from 'express';
import { stockRouter } from './routes/stock.js';

export function createApp(): Express {
  const app = express();
  app.use(express.json());
  app.get('/', (_req, res) => {
    res.send('inventory');
  });
  app.use('/stock', stockRouter);
  return app;
}
