import { defineCase } from './scenario.js';

// Shell-form CMD: /bin/sh is PID 1 and SIGTERM never reaches uvicorn.
defineCase({ repo: 'fastapi-uvicorn', graceMs: 10_000 });
