import { defineCase } from './scenario.js';

// Shell-form CMD: /bin/sh is PID 1 and SIGTERM never reaches the gunicorn master.
// After --yes: tini, exec-form CMD, and the generated gunicorn.conf.py, whose hooks make the sync
// workers answer the connections queued in the listen backlog before the socket stops listening
// (without them the queue was reset when the last worker exited: 8 lost, 2 answered). verify's 8 clients
// are all waiting at the signal: at least 8 answered after it.
defineCase({ repo: 'flask-gunicorn', graceMs: 10_000, answeredAfterSignal: 8 }, { note: 'the sync workers drain the listen backlog' });
