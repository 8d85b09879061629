import express from "express";
import * as homeController from "./controllers/home";
import * as apiController from "./controllers/api";
import { APP_NAME } from "./util/secrets";

// Create Express server
const app = express();

// Express configuration
app.set("port", process.env.PORT || 3000);
app.set("name", APP_NAME);
app.use(express.json());

// Routes
app.get("/", homeController.index);
app.get("/api", apiController.getApi);
app.get("/api/slow", apiController.getSlow);

export default app;
