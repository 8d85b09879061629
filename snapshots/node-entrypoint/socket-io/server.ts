import express from "express";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { setupSignalHandlers, registerHttpServer, registerShutdownHandler } from "./shutdown.js";

setupSignalHandlers();

const app = express();
const httpServer = createServer(app);
registerHttpServer(httpServer);
const io = new Server(httpServer, { cors: { origin: "*" } });
registerShutdownHandler("socket.io", () => { io.disconnectSockets(true); return io.close(); }, { phase: "drain" });

io.on("connection", (socket) => {
  socket.emit("hello");
});

httpServer.listen(3000);
