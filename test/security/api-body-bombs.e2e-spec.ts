import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BerthProcess } from './berth-process';

// Body bombs: a few kilobytes that make a parser recurse past the stack or expand past the heap.
// The processes are the compiled ones (npm run build): before the limits, some of these bodies
// aborted the scheduler outright, which a process boundary turns into a failed test, not a dead runner.

const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** The shape that made V8 abort inside the YAML parser ("RegExpCompiler Allocation failed"). */
const unclosedFlow = (levels: number) => '[{'.repeat(levels);
const blockNesting = (levels: number) =>
  `${Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- a:`).join('\n')} x\n`;
const BILLION_LAUGHS = [
  'apiVersion: argoproj.io/v1alpha1',
  'kind: Application',
  'metadata: {name: lol}',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  '',
].join('\n');

describe('body bombs against the scheduler API (compiled process)', () => {
  let scheduler: BerthProcess;

  beforeAll(async () => {
    scheduler = await BerthProcess.start('scheduler');
  });
  afterAll(async () => {
    await scheduler?.stop();
    await scheduler?.db.drop();
  });

  const expectRefused = async (
    res: { status: number; json: Record<string, unknown>; text: string },
    limit: 'maxDepth' | 'maxAliasCount',
  ) => {
    expect({ status: res.status, exited: scheduler.exited }).toEqual({ status: 400, exited: undefined });
    expect(res.json).toMatchObject({ error: 'Invalid', limit });
    expect(res.text).toContain(`the limit is ${limit}=100`);
    expect(await scheduler.answers()).toBe(true);
  };

  it.each([
    ['unclosed flow collections 600 levels deep ([{[{...)', unclosedFlow(600)],
    ['a JSON Application nested 5,000 levels deep', nestedJson(5000)],
    ['block YAML (- a:) nested 150 levels deep', blockNesting(150)],
  ])(
    'deep nesting: an Application body of %s is refused with 400 naming maxDepth, and the scheduler still answers',
    async (_shape, body) => {
      await expectRefused(await scheduler.send('POST', '/api/v1/applications', body), 'maxDepth');
    },
  );

  it('deep nesting: an AppProject body nested 600 levels deep is refused with 400 naming maxDepth', async () => {
    await expectRefused(await scheduler.send('POST', '/api/v1/projects', unclosedFlow(600)), 'maxDepth');
  });

  it.each([
    ['/api/v1/applications/anything/sync', `{"resources": ${nestedJson(5000)}}`],
    ['/api/v1/repositories', `{"repo": "https://example.com/r.git", "name": ${nestedJson(5000)}}`],
    ['/api/v1/clusters', `{"name": "c", "kubeconfig": ${nestedJson(5000)}}`],
  ])(
    'deep nesting: a JSON body nested 5,000 levels deep to %s is refused with 400 naming maxDepth',
    async (path, body) => {
      await expectRefused(await scheduler.send('POST', path, body), 'maxDepth');
    },
  );

  it('deep nesting: a kubeconfig string nested 600 levels deep is refused with 400 naming maxDepth', async () => {
    const res = await scheduler.send(
      'POST',
      '/api/v1/clusters',
      JSON.stringify({ name: 'deep', kubeconfig: unclosedFlow(600) }),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('the limit is maxDepth=100');
    expect(await scheduler.answers()).toBe(true);
  });

  it('billion laughs: a YAML Application whose aliases expand to 9^8 nodes is refused with 400 naming maxAliasCount', async () => {
    const started = Date.now();
    await expectRefused(
      await scheduler.send('POST', '/api/v1/applications', BILLION_LAUGHS),
      'maxAliasCount',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('alias flood: more than 100 alias references are refused before the composer scans the document for each', async () => {
    const body = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\na: &a x\nb: [${Array.from({ length: 20_000 }, () => '*a').join(',')}]\n`;
    await expectRefused(await scheduler.send('POST', '/api/v1/applications', body), 'maxAliasCount');
  });

  it('deep nesting: a push webhook nested 5,000 levels deep is refused with 400, and the scheduler still answers', async () => {
    const res = await scheduler.send('POST', '/api/webhook', `{"repository": ${nestedJson(5000)}}`, {
      'x-github-event': 'push',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('the limit is maxDepth=100');
    expect(await scheduler.answers()).toBe(true);
  });
});

describe('body bombs against the notifier API (compiled process)', () => {
  let notifier: BerthProcess;

  beforeAll(async () => {
    notifier = await BerthProcess.start('notifier', {
      NOTIFICATIONS_CONFIG: '/nonexistent/notifications.yaml',
    });
  });
  afterAll(async () => {
    await notifier?.stop();
    await notifier?.db.drop();
  });

  const put = (yaml: string) =>
    notifier.send('PUT', '/api/v1/notifications/config', yaml, { 'content-type': 'application/yaml' });

  it.each([
    ['the document', unclosedFlow(600)],
    [
      'a service value (YAML inside YAML)',
      `kind: ConfigMap\ndata:\n  service.slack: "${unclosedFlow(600)}"\n`,
    ],
  ])(
    'deep nesting: a notifications config with %s nested 600 levels deep is refused with 400 naming maxDepth, and the notifier still answers',
    async (_where, yaml) => {
      const res = await put(yaml);
      expect({ status: res.status, exited: notifier.exited }).toEqual({ status: 400, exited: undefined });
      expect(res.json).toMatchObject({ code: 'DOCUMENT_LIMIT', limit: 'maxDepth', max: 100 });
      expect(await notifier.answers()).toBe(true);
    },
  );

  it('billion laughs: a notifications config whose aliases expand to 9^8 nodes is refused with 400 naming maxAliasCount', async () => {
    const res = await put(`kind: ConfigMap\n${BILLION_LAUGHS.split('\n').slice(3).join('\n')}`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'DOCUMENT_LIMIT', limit: 'maxAliasCount' });
    expect(await notifier.answers()).toBe(true);
  });
});
