/** The Python entrypoint edit; see ./python/wire.ts. */
export { wirePythonEntrypoint, PythonWiringRefused, type WireOptions } from './python/wire.js';
export { signalHandlersImport, type PythonShutdownMode } from './python/mode.js';
