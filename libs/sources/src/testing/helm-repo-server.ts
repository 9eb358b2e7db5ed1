import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { parse, stringify } from 'yaml';
import { runTool } from '../tools/run-tool';

export interface HelmRepoServerOptions {
  /** Directory served as the repository root (`index.yaml` and the chart archives). */
  dir: string;
  /** When set, every request needs HTTP basic auth with exactly these credentials. */
  basicAuth?: { username: string; password: string };
}

export interface HelmRepoServer {
  /** `http://127.0.0.1:<port>`: the repoURL of the repository. */
  url: string;
  /** Requests seen, as `METHOD path`, with ` 401` appended when refused for lack of auth. */
  requests: string[];
  close(): Promise<void>;
}

function authorized(req: IncomingMessage, auth: HelmRepoServerOptions['basicAuth']): boolean {
  if (!auth) return true;
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  return user === auth.username && rest.join(':') === auth.password;
}

/** Serves a Helm chart repository (static files) on 127.0.0.1, with optional basic auth. */
export async function startHelmRepoServer(options: HelmRepoServerOptions): Promise<HelmRepoServer> {
  const requests: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname));
    const line = `${req.method} ${path}`;
    if (!authorized(req, options.basicAuth)) {
      requests.push(`${line} 401`);
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="berth-charts"' });
      res.end('authentication required\n');
      return;
    }
    requests.push(line);
    if (path.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    readFile(join(options.dir, path)).then(
      (body) => {
        const type = path.endsWith('.tgz') ? 'application/gzip' : 'application/yaml';
        res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
      },
      () => res.writeHead(404).end('not found\n'),
    );
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Builds a Helm repository directory the way chart publishers do: `helm package` of a chart
 * directory once per version, then `helm repo index` (chart URLs relative to the repository).
 */
export async function buildHelmRepo(
  helm: string,
  outDir: string,
  charts: { chartDir: string; versions: string[] }[],
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const limits = { timeoutMs: 60_000, maxOutputBytes: 1024 * 1024 };
  for (const { chartDir, versions } of charts) {
    for (const version of versions) {
      await runTool(helm, ['package', chartDir, '--version', version, '--destination', outDir], {
        ...limits,
        label: 'helm package',
      });
    }
  }
  await runTool(helm, ['repo', 'index', outDir], { ...limits, label: 'helm repo index' });
  // Pin the timestamps helm writes so the index (and anything derived from it) is reproducible.
  const indexPath = join(outDir, 'index.yaml');
  const index = parse(await readFile(indexPath, 'utf8')) as {
    generated?: string;
    entries: Record<string, { created?: string }[]>;
  };
  index.generated = '2026-01-01T00:00:00Z';
  for (const versions of Object.values(index.entries))
    for (const v of versions) v.created = '2026-01-01T00:00:00Z';
  await writeFile(indexPath, stringify(index));
}
