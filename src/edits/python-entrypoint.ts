/** The Python entrypoint edit; see ./python/wire.ts. */
export { wirePythonEntrypoint, PythonWiringRefused, type WireOptions } from './python/wire.js';
export { pythonShutdownMode, signalHandlersImport, type PythonShutdownMode, type ModeDecision } from './python/mode.js';
