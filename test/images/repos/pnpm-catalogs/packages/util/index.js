const ms = require('ms');

exports.since = () => ms(Math.round(process.uptime() * 1000));
