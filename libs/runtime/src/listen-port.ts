import { createServer } from 'node:net';
import { StartupError } from './startup-error';

/** The one line for a port a process cannot listen on, or undefined for another error. */
export function listenFailure(error: unknown, port: number, variable: string): StartupError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `port ${port} is already in use (${variable}): stop the process that listens on it or set ${variable} to a free port`,
    );
  if (code === 'EACCES')
    return new StartupError(
      `port ${port} needs privileges this process does not have (${variable}): set ${variable} to a port above 1023`,
    );
  return undefined;
}

/**
 * Checks the HTTP port is free before the app listens: Nest logs a listen error on its own (a second
 * line, without the setting to change) before the process could say which setting to change.
 */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenFailure(error, port, variable) ?? error));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
