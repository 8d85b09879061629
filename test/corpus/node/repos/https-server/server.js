'use strict';

const https = require('https');
const fs = require('fs');
const path = require('path');

const options = {
  key: fs.readFileSync(path.join(__dirname, 'certs', 'key.pem')),
  cert: fs.readFileSync(path.join(__dirname, 'certs', 'cert.pem')),
};

const server = https.createServer(options, (req, res) => {
  if (req.url === '/archive') {
    // zipping the archive takes about a second
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('archive ready');
    }, 1000);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('secure files');
});

server.listen(Number(process.env.PORT) || 8443, () => {
  console.log('https on', server.address().port);
});
