import type { ServerResponse } from 'node:http';
import type { KubeObject, ResourceType } from '../api/resource-type';
import type { ObjectRegistry } from '../registry/object-registry';
import { matchesFields, type FieldRequirement } from '../store/field-selector';
import { matchesLabels, type LabelRequirement } from '../store/label-selector';
import { resourceKey, type StoreEvent } from '../store/object-store';

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  bookmarkIntervalMs: number;
}

/**
 * Streams watch events as newline-delimited JSON (apiserver handlers/watch.go), including selector
 * transitions (an object leaving the selector is DELETED for this watch) and a 410 ERROR event when
 * the requested resourceVersion is older than the retained history.
 */
export function serveWatch(
  registry: ObjectRegistry,
  req: WatchRequest,
  res: ServerResponse,
  onClose: (cb: () => void) => void,
): void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  // Clients (client-node's Watch) resolve only once headers arrive, which may precede any event.
  res.flushHeaders();
  const send = (type: string, object: KubeObject) => res.write(`${JSON.stringify({ type, object })}\n`);
  const key = resourceKey(req.type);
  const matches = (o: KubeObject | undefined): boolean =>
    !!o &&
    (req.namespace === undefined || (o.metadata?.['namespace'] ?? '') === req.namespace) &&
    matchesLabels(req.labels, o.metadata?.['labels']) &&
    matchesFields(req.fields, o, req.type);

  const deliver = (e: StoreEvent): void => {
    if (e.resource !== key) return;
    const now = e.type === 'DELETED' ? false : matches(e.object);
    const before = e.type === 'ADDED' ? false : matches(e.previous);
    const obj = registry.present(req.type, e.object);
    if (now && before) send('MODIFIED', obj);
    else if (now) send('ADDED', obj);
    else if (before) {
      const last = registry.present(req.type, e.previous!);
      last.metadata = { ...last.metadata, resourceVersion: String(e.resourceVersion) };
      send('DELETED', e.type === 'DELETED' ? obj : last);
    }
  };

  const rv = req.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    for (const o of registry.store.list(req.type, req.type.namespaced ? req.namespace : undefined)) {
      if (matches(o)) send('ADDED', registry.present(req.type, o));
    }
  } else {
    const since = Number(rv);
    const history = Number.isFinite(since) ? registry.store.eventsSince(since) : undefined;
    if (!history) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rv} (${registry.store.oldestResumableVersion})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    for (const e of history) deliver(e);
  }

  const unsubscribe = registry.store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  if (req.allowBookmarks) {
    timers.push(
      setInterval(() => {
        send('BOOKMARK', {
          kind: req.type.kind,
          apiVersion: registry.present(req.type, {}).apiVersion,
          metadata: { resourceVersion: String(registry.store.resourceVersion) },
        });
      }, req.bookmarkIntervalMs),
    );
  }
  const stop = (): void => {
    unsubscribe();
    for (const t of timers) clearInterval(t);
    if (!res.writableEnded) res.end();
  };
  if (req.timeoutSeconds && req.timeoutSeconds > 0) timers.push(setTimeout(stop, req.timeoutSeconds * 1000));
  onClose(stop);
}
