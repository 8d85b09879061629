var express = require('express');
var router = express.Router();

router.get('/', function (req, res) {
  res.json([{ id: 1, name: 'ada' }]);
});

module.exports = router;
