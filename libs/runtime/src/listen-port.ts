import { StartupError } from './startup-error';

/** The one line for a port a process cannot listen on, or undefined for another error. */
export function listenFailure(
  error: unknown,
  port: number,
  variable: string,
  host?: string,
): StartupError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new StartupError(
      `cannot listen on ${host ?? 'the bind address'}: it is not an address of this machine (BERTH_BIND_ADDRESS): use 127.0.0.1, 0.0.0.0 or one of this machine's addresses`,
    );
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
