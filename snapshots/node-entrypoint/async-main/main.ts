import express from 'express';
import { loadConfig } from './config.js';
import { setupSignalHandlers, registerHttpServer } from './shutdown.js';

setupSignalHandlers();

async function main(): Promise<void> {
  const config = await loadConfig();
  const app = express();
  const server = app.listen(config.port);
  registerHttpServer(server);
  server.keepAliveTimeout = 65_000;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
