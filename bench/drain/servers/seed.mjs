// The seed's "JavaScript Signal Handler" (extracted by run.mjs into SEED_MODULE). It installs its signal
// listeners when required; the app registers its HTTP server. Its deadline is GRACEFUL_SHUTDOWN_TIMEOUT_MS,
// which run.mjs sets to the common deadline.
import { createRequire } from 'node:module';
import { createApp } from './app.mjs';

const seed = createRequire(import.meta.url)(process.env.SEED_MODULE);
const { server, listen } = await createApp();
seed.registerHttpServer(server);
await listen();
