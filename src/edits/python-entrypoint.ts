/** The Python entrypoint edit; see ./python/wire.ts. */
export { jobLoopNote, wirePythonEntrypoint, type WireOptions } from './python/wire.js';
export { signalHandlersImport, type PythonShutdownMode } from './python/mode.js';
