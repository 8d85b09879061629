import { defineCase } from './scenario.js';

defineCase({ repo: 'express-api', graceMs: 10_000 });
