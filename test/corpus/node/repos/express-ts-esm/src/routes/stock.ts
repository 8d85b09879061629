import { Router, type Request, type Response } from 'express';

export const stockRouter = Router();

// Counting stock across warehouses: about a second.
stockRouter.get('/count', async (_req: Request, res: Response) => {
  await new Promise<void>((resolve) => setTimeout(resolve, 1000));
  res.json({ count: 7 });
});
