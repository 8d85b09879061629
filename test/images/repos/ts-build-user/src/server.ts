import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.send('ok');
});
app.get('/slow', (_req, res) => {
  setTimeout(() => res.send('done'), 1000);
});

const port = Number(process.env.PORT ?? 8080);
app.listen(port, () => console.log(`listening on ${port}`));
