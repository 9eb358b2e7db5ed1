import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { findTools } from '@berth/render';
import { runTool } from '@berth/sources';
import { benchAppFiles, benchApps } from './bench-app.fixture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-bench-fixture-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The real tools render each generated app to exactly the objects it claims to have. */
describe('bench apps rendered by helm and kustomize', () => {
  const tools = findTools();
  it.each(benchApps(6).filter((a) => a.kind !== 'directory'))(
    '$name ($kind, $objectCount objects)',
    async (app) => {
      for (const [path, content] of Object.entries(benchAppFiles(app, 3))) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      const appDir = join(dir, app.path);
      const opts = { timeoutMs: 60_000, maxOutputBytes: 1 << 22, label: app.kind };
      const { stdout } =
        app.kind === 'helm'
          ? await runTool(tools.helm!, ['template', app.name, appDir], opts)
          : await runTool(tools.kustomize!.command, [...tools.kustomize!.buildArgs, appDir], opts);
      const objects = parseAllDocuments(stdout)
        .map(
          (d) =>
            d.toJS() as {
              kind?: string;
              spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
            } | null,
        )
        .filter((o) => o?.kind);
      expect(objects).toHaveLength(app.objectCount);
      const deployment = objects.find((o) => o?.kind === 'Deployment');
      expect(deployment?.spec?.template?.metadata?.annotations?.['bench.berth.dev/generation']).toBe('3');
    },
  );
});
