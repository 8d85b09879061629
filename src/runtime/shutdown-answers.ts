// <source-only>
/**
 * The answers the generated module is rendered with. This file stands in for the rendered header
 * (templates/node/shutdown-header.hbs) when the runtime source is compiled and unit-tested in this repo;
 * the values are the CLI's `--yes` defaults.
 */
// </source-only>
export const DEFAULT_TIMEOUT_MS = 8000;
export const DEFAULT_DELAY_MS = 0;
export const DEFAULT_EXIT_MODE = 'zero';
