import type { ApiClient } from '../http/api-client';
import { seg } from '../http/api-client';
import type { Application, HistoryEntry, RecordedEvent } from '../format/application';
import { ApiError } from '../http/cli-error';

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
