/**
 * PENDING (outside the committed suite: the file name does not match *.test.ts). Fails with the
 * CLI as it is; move it into web-servers.test.ts (set rerunIsClean: true for the case) once fixed.
 * Run it now with:  npx vitest run -c test/python-e2e/vitest.pending.config.ts
 *
 * Flask + `web: gunicorn app:app` (Procfile), no Dockerfile, no gunicorn.conf.py. The first run
 * creates a Dockerfile whose CMD is `gunicorn --bind 0.0.0.0:8000 --graceful-timeout 8 app:app`
 * and a gunicorn.conf.py. The second run takes the start command from that Dockerfile (it beats
 * the Procfile), warns that "the start command sets --graceful-timeout, which overrides
 * graceful_timeout = 8" (about its own output, with the same value), and rewrites
 * .graceful-shutdown.json: gunicorn.conf.py's record changes from a created file (sha256 + lines)
 * to an edited one ({ by, reason }), because the file now exists and python-module plans an edit.
 */
import { afterAll, describe, it } from 'vitest';
import { cleanUp } from '../python-module/helpers.js';
import { prepare, registerLine, rerun } from './helpers.js';

afterAll(cleanUp);

describe('python-e2e-flask-gunicorn', () => {
  it('a second CLI run (after the hand edit) says "Nothing to do" and changes no byte', async ({ expect }) => {
    const repo = await prepare('python-e2e-flask-gunicorn', 'app.py', (marker) => registerLine('marker', marker, 'ran'));
    expect(repo.first.code, repo.first.stdout + repo.first.stderr).toBe(0);
    const again = await rerun(repo.dir);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/^warning: gunicorn\.conf\.py: the start command sets --graceful-timeout/m);
    expect(again.stdout).toMatch(/^Nothing to do/m);
    expect(again.changed).toEqual([]);
  });
});
