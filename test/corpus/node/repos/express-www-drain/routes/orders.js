var express = require('express');
var router = express.Router();

// Pricing an order calls a slow upstream: about a second.
router.get('/price', function (req, res) {
  setTimeout(function () {
    res.json({ total: 42 });
  }, 1000);
});

module.exports = router;
