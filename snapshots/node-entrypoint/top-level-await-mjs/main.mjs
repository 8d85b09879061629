import express from 'express';
import { connect } from './db.mjs';
import { setupSignalHandlers, registerHttpServer } from './shutdown.mjs';

setupSignalHandlers();

const db = await connect(process.env.DATABASE_URL);
const app = express();
app.locals.db = db;

const server = app.listen(3000);
registerHttpServer(server);
