// The generated module (any variant, built by run.mjs): SHUTDOWN_MODULE is the JavaScript file to load,
// SHUTDOWN_LOADER 'import' or 'require'. Usage as the module's header documents it, per app: the node server
// registered, and the framework's own close as a shutdown handler (socket.io's in the 'drain' phase, which
// starts with the HTTP drain: a module without phases ignores the option and runs it after the drain).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { appKind, createApp, deadlineMs } from './app.mjs';

const file = process.env.SHUTDOWN_MODULE;
const shutdown = process.env.SHUTDOWN_LOADER === 'require' ? createRequire(import.meta.url)(file) : await import(pathToFileURL(file).href);

const app = await createApp();
shutdown.setupSignalHandlers({ timeoutMs: deadlineMs });
shutdown.registerHttpServer(app.server);
if (appKind === 'fastify') shutdown.registerShutdownHandler('fastify', () => app.close());
if (appKind === 'nest') shutdown.registerShutdownHandler('nest', () => app.close());
if (appKind === 'socketio') shutdown.registerShutdownHandler('socket.io', () => app.io.close(), { phase: 'drain' });
await app.listen();
