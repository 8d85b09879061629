import { defineCase } from './scenario.js';

// Shell-form CMD: /bin/sh is PID 1 and SIGTERM never reaches the gunicorn master.
defineCase({ repo: 'flask-gunicorn', graceMs: 10_000 });
