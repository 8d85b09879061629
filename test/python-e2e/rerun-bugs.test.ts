/**
 * A re-run bug, fixed: Flask + `web: gunicorn app:app` (Procfile), no Dockerfile, no
 * gunicorn.conf.py. The first run creates a Dockerfile whose CMD is `gunicorn --bind 0.0.0.0:8000
 * --graceful-timeout 8 app:app` and a gunicorn.conf.py with graceful_timeout = 8. The second run
 * takes the start command from that Dockerfile (it beats the Procfile); it used to warn that the
 * command's --graceful-timeout overrides graceful_timeout (the same value: the warning now needs
 * a different one) and to plan an edit of the gunicorn.conf.py it generated itself, which turned
 * its record in .graceful-shutdown.json from a created file into an edited one (it is now
 * rendered again, as on the first run). Expected: "Nothing to do", no byte changed.
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
