import { defineCase } from './scenario.js';

// Shell-form CMD: /bin/sh is PID 1 and SIGTERM never reaches the gunicorn master.
// After --yes the sync workers still reset requests queued in the listen backlog while load keeps coming
// (measured: 8 lost with or without a shutdown delay; gthread workers lose none). Open in issues 13 and 17.
defineCase({ repo: 'flask-gunicorn', graceMs: 10_000 }, { knownLoss: 'gunicorn sync workers drop the listen backlog' });
