import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { applicationAggregate, applicationStreamId, decideApplication } from '@berth/domain';
import { createCommandHandler } from '@berth/event-store';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { assertBuilt } from './built-entrypoints';

const run = promisify(execFile);

async function rebuild(db: TestDatabase, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run('node', ['scripts/rebuild-projections.mjs', ...args], {
      env: { ...process.env, DATABASE_URL: db.url },
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe('npm run rebuild-projections', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    assertBuilt(['dist/libs/event-store/src/index.js']);
    db = await createTestDatabase('berth_rebuild');
    const commands = createCommandHandler(db.dataSource);
    for (const name of ['web', 'api']) {
      await commands.handle(
        applicationAggregate,
        applicationStreamId(name),
        (state) =>
          decideApplication(
            {
              type: 'CreateApplication',
              manifest: {
                apiVersion: 'argoproj.io/v1alpha1',
                kind: 'Application',
                metadata: { name },
                spec: {
                  project: 'default',
                  source: { repoURL: 'https://git.example.com/apps.git', path: name },
                  destination: { server: 'https://kubernetes.default.svc', namespace: name },
                },
              },
            },
            state,
          ),
        { actor: 'alice' },
      );
    }
  });
  afterAll(async () => db?.drop());

  it('--check replays the log and finds the live read models equal to it', async () => {
    const { code, out } = await rebuild(db, '--check');
    expect(code).toBe(0);
    expect(out).toMatch(
      /replayed 2 events of 2 streams into applications, projects, applicationsets, accounts and snapshots/,
    );
    expect(out).toMatch(/the read models equal the replay of the log/);
  });

  it('--check names a read model that drifted and exits 1; without --check it is replaced', async () => {
    await db.dataSource.query(`DELETE FROM applications WHERE name = 'api'`);
    const checked = await rebuild(db, '--check');
    expect(checked.code).toBe(1);
    expect(checked.out).toMatch(/applications: 1 rows missing or different, 0 unexpected \(e\.g\. api\)/);
    expect((await rebuild(db)).code).toBe(0);
    expect(await db.dataSource.query(`SELECT name FROM applications ORDER BY name`)).toEqual([
      { name: 'api' },
      { name: 'web' },
    ]);
    expect((await rebuild(db, '--check')).code).toBe(0);
  });
});
