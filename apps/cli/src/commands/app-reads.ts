import type { ApiClient } from '../http/api-client';
import { seg } from '../http/api-client';
import type { Application, HistoryEntry, RecordedEvent } from '../format/application';
import { ApiError, CliError } from '../http/cli-error';

/** The reads several app commands share, each one route of the API. */
export const getApp = (client: ApiClient, name: string) =>
  client.get<Application>(`/api/v1/applications/${seg(name)}`, undefined, `application ${name}`);

export const appAudit = (client: ApiClient, name: string) =>
  client.get<RecordedEvent[]>(`/api/v1/applications/${seg(name)}/audit`, undefined, `events of ${name}`);

export const appHistory = (client: ApiClient, name: string) =>
  client.get<HistoryEntry[]>(`/api/v1/applications/${seg(name)}/history`, undefined, `history of ${name}`);

/** Whether the app's sync windows allow a manual sync now; undefined when the server cannot say. */
export async function canSync(client: ApiClient, name: string): Promise<boolean | undefined> {
  try {
    const windows = await client.get<{ canSync?: boolean }>(`/api/v1/applications/${seg(name)}/syncwindows`);
    return windows.canSync;
  } catch (error) {
    if (error instanceof ApiError) return undefined;
    throw error;
  }
}

/** Asks for a comparison now (`POST .../refresh`, Berth's route for Argo CD's `?refresh=`). */
export const refreshApp = (client: ApiClient, name: string, hard: boolean) =>
  client.post<Application>(
    `/api/v1/applications/${seg(name)}/refresh`,
    undefined,
    hard ? { refresh: 'hard' } : undefined,
    `refresh ${name}`,
  );

/**
 * POST .../refresh, then the app once a comparison newer than the one before has been recorded (the
 * server's own clock on both sides, so a client's clock skew does not matter); 30 s at most.
 */
export async function refreshAndWait(
  client: ApiClient,
  name: string,
  before: Application,
  hard: boolean,
): Promise<Application> {
  const previous = Date.parse(before.status?.reconciledAt ?? '') || 0;
  await refreshApp(client, name, hard);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const current = await getApp(client, name);
    const reconciled = Date.parse(current.status?.reconciledAt ?? '') || 0;
    if (reconciled > previous) return current;
    if (Date.now() > deadline)
      throw new CliError([
        `application '${name}' was not compared within 30s of the refresh: is a worker running?`,
      ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
