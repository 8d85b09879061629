const ms = require('ms');

exports.greeting = (who) => `hello from ${who}, up for ${ms(Math.round(process.uptime() * 1000))}`;
