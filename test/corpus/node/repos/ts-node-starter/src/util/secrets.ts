export const ENVIRONMENT = process.env.NODE_ENV;
const prod = ENVIRONMENT === "production";

export const APP_NAME = process.env.APP_NAME || (prod ? "starter" : "starter-dev");
