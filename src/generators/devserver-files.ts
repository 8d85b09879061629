/** Names of the files the dev-server generator writes, shared with the parts that copy them into images. */
export const DEVSERVER_MODULE_STEM = 'devserver-shutdown';
