// The generated module (any variant, built by run.mjs): SHUTDOWN_MODULE is the JavaScript file to load,
// SHUTDOWN_LOADER 'import' or 'require'. Usage as the module's header documents it.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createApp, deadlineMs, listen } from './app.mjs';

const file = process.env.SHUTDOWN_MODULE;
const shutdown =
  process.env.SHUTDOWN_LOADER === 'require' ? createRequire(import.meta.url)(file) : await import(pathToFileURL(file).href);

const server = createApp();
shutdown.setupSignalHandlers({ timeoutMs: deadlineMs });
shutdown.registerHttpServer(server);
listen(server);
