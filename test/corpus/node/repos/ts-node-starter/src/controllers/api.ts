import { Request, Response } from "express";

/**
 * List of API examples.
 * @route GET /api
 */
export const getApi = (req: Request, res: Response): void => {
    res.json({ examples: ["slow"] });
};

/**
 * An API call that waits on a slow upstream (about a second).
 * @route GET /api/slow
 */
export const getSlow = async (req: Request, res: Response): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    res.json({ ok: true });
};
