// Writes the static page the server hands out into dist/ (the image builds it in its own stage).
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');

mkdirSync('dist', { recursive: true });
const page = readFileSync('public/index.html', 'utf8').replace('%BUILT_AT%', new Date().toISOString());
writeFileSync('dist/index.html', page);
