// <source-only>
/** Stands in for the rendered header (templates/devserver/devserver-header.hbs) in this repo. */
// </source-only>
export const DEFAULT_TIMEOUT_MS = 8000;
