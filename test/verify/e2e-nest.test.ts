import { defineCase } from './scenario.js';
import { buildTs } from './helpers.js';

defineCase({ repo: 'nest-api', graceMs: 10_000, build: buildTs });
