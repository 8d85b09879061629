/** The run was interrupted (Ctrl+C): everything it started has been ended. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted; every process verify started has been ended');
    this.name = 'Interrupted';
  }
}

/** Rejects with Interrupted as soon as `signal` aborts. */
export function unlessAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
