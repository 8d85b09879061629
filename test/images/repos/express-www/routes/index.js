var express = require('express');
var router = express.Router();

router.get('/', function (req, res) {
  res.send('ok');
});

router.get('/slow', function (req, res) {
  setTimeout(function () {
    res.send('done');
  }, 1000);
});

module.exports = router;
