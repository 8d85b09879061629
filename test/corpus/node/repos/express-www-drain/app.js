var express = require('express');

var ordersRouter = require('./routes/orders');

var app = express();

app.use(express.json());
app.get('/', function (req, res) {
  res.send('orders service');
});
app.use('/orders', ordersRouter);

module.exports = app;
