var express = require('express');
var router = express.Router();

router.get('/', function (req, res) {
  res.send('shop home');
});

// A report that takes about a second to assemble.
router.get('/report', function (req, res) {
  setTimeout(function () {
    res.send('report ready');
  }, 1000);
});

module.exports = router;
