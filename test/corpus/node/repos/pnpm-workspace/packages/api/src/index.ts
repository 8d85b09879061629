import express, { Request, Response } from "express";
import users from "./routes/users";

const app = express();
app.use(express.json());

app.get("/", (req: Request, res: Response) => {
  res.send("api");
});
app.use("/users", users);

app.use((req: Request, res: Response) => {
  res.status(404).json({ message: "Route not found" });
});

const port = process.env.PORT || 5000;
app.listen(port, () => console.log(`API listening on http://localhost:${port}`));
