import { defineCase } from './scenario.js';

// The compose file gives the service 5 s before SIGKILL (the tool raises it above the app's budget).
defineCase({ repo: 'fastify-api', graceMs: 5_000 });
