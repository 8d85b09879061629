import { defineConfig } from "vite";
import { gracefulShutdown } from "./devserver-shutdown.js";

export default defineConfig(({ command }) => ({
  plugins: [gracefulShutdown()],
  base: command === "build" ? "/app/" : "/",
  server: { port: 3000 },
}));
