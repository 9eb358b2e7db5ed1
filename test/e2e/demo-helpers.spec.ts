import { beforeAll, describe, expect, it } from '@jest/globals';
import { validateApplication } from '@berth/domain';
import type { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './built-entrypoints';
import { buildProgram } from '../../apps/cli/src/cli-program';

// The demo is plain Node ESM (scripts/demo.mjs + demo/lib/*.mjs, no types): load its pure helpers by path.
const lib = (file: string) => join(REPO_ROOT, 'demo/lib', file);
interface DemoSteps {
  applicationYaml(env: string, repoURL: string, policy: unknown): string;
  describeAuditRow(row: Record<string, unknown>): string;
}
interface DemoGitRepo {
  withImageTag(text: string, tag: string): string;
  withConfigValue(text: string, key: string, value: string): string;
}
interface DemoTerminal {
  formatTable(headers: string[], rows: unknown[][]): string[];
}
let steps: DemoSteps;
let gitRepo: DemoGitRepo;
let terminal: DemoTerminal;
/** demo/lib/berth-cli.mjs: each export builds one `berth` command line from plain arguments. */
let berthCli: Record<string, (...args: unknown[]) => string>;

beforeAll(async () => {
  steps = (await import(lib('demo-steps.mjs'))) as DemoSteps;
  gitRepo = (await import(lib('demo-git-repo.mjs'))) as DemoGitRepo;
  terminal = (await import(lib('terminal.mjs'))) as DemoTerminal;
  berthCli = (await import(lib('berth-cli.mjs'))) as typeof berthCli;
});

describe('the demo Applications', () => {
  const cases: Array<[string, unknown, object]> = [
    [
      'dev',
      { prune: true, selfHeal: true, autoRollback: '30s' },
      { automated: { prune: true, selfHeal: true } },
    ],
    ['staging', { prune: false, selfHeal: false }, { automated: { prune: false, selfHeal: false } }],
    ['prod', 'manual', { syncOptions: ['CreateNamespace=true'] }],
  ];
  it.each(cases)('api-%s is a valid Application with the intended sync policy', (env, policy, expected) => {
    const result = validateApplication(parse(steps.applicationYaml(env, 'file:///tmp/repo.git', policy)));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    // No "unknown field" warnings either: the demo uses only fields this build knows (autoRollback included).
    expect(result.warnings).toEqual([]);
    const doc = result.application;
    expect(doc.spec.syncPolicy).toMatchObject(expected);
    expect(doc.spec.source).toEqual({
      repoURL: 'file:///tmp/repo.git',
      targetRevision: 'main',
      path: `overlays/${env}`,
    });
    if (policy === 'manual') expect(doc.spec.syncPolicy?.automated).toBeUndefined();
    // Every app subscribes to the demo's webhook service, as Argo CD apps subscribe with annotations.
    expect(Object.keys(doc.metadata.annotations ?? {})).toContain(
      'notifications.argoproj.io/subscribe.on-deployed.demo',
    );
  });
});

/** The parts of the overlay files these tests read. */
const kustomization = (text: string) => parse(text) as { images?: unknown; [field: string]: unknown };
const configMap = (text: string) => parse(text) as { data?: Record<string, string> };

describe('the demo edits of the seed overlays', () => {
  const overlay = (path: string) =>
    readFileSync(join(REPO_ROOT, 'demo/k8s-manifests/overlays', path), 'utf8');

  it('sets the image tag of the dev overlay and nothing else', () => {
    const before = overlay('dev/kustomization.yaml');
    const after = gitRepo.withImageTag(before, 'doesnotexist');
    expect(kustomization(after).images).toEqual([{ name: 'myregistry.io/api', newTag: 'doesnotexist' }]);
    expect({ ...kustomization(after), images: undefined }).toEqual({
      ...kustomization(before),
      images: undefined,
    });
  });

  it('sets one key of the dev ConfigMap and keeps the others', () => {
    const after = configMap(gitRepo.withConfigValue(overlay('dev/configmap.yaml'), 'LOG_LEVEL', 'trace'));
    expect(after.data).toEqual({ NODE_ENV: 'development', LOG_LEVEL: 'trace', MAX_CONNECTIONS: '1000' });
  });
});

describe('demo output helpers', () => {
  it('formats a table with columns as wide as their widest cell', () => {
    expect(
      terminal.formatTable(
        ['APP', 'SYNC'],
        [
          ['api-dev', 'Synced'],
          ['api-prod', null],
        ],
      ),
    ).toEqual(['APP       SYNC', '--------  ------', 'api-dev   Synced', 'api-prod']);
  });

  const rows: Array<[Record<string, unknown>, string]> = [
    [
      {
        event_type: 'HealthStatusChanged',
        summary: 'HealthStatusChanged',
        data: { from: 'Progressing', to: 'Degraded', message: 'deadline' },
      },
      'Progressing -> Degraded: deadline',
    ],
    [
      {
        event_type: 'SyncStatusChanged',
        summary: 'SyncStatusChanged',
        data: { from: 'Synced', to: 'OutOfSync', revision: 'abcdef0123' },
      },
      'Synced -> OutOfSync at abcdef0',
    ],
    [
      { event_type: 'ApplicationCreated', summary: 'created application api-dev', data: {} },
      'created application api-dev',
    ],
  ];
  it.each(rows)('describes audit row %#', (row, text) => {
    expect(steps.describeAuditRow(row)).toBe(text);
  });
});

/**
 * Checks one printed command line against the CLI's own command tree: the words name a command, every
 * flag is one that command (or the program) declares, a flag that takes a value has one, and the
 * required arguments are there. Answers the problems found (empty when the line would parse).
 */
function problemsWith(line: string): string[] {
  // The demo quotes only "$VARIABLE" values: split on blanks outside double quotes.
  const words = (line.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"(.*)"$/, '$1'));
  if (words.shift() !== 'berth') return [`${line}: does not start with berth`];
  const program = buildProgram('test');
  let command: Command = program;
  while (words.length > 0) {
    const sub = command.commands.find((c) => c.name() === words[0] || c.aliases().includes(words[0] ?? ''));
    if (!sub) break;
    command = sub;
    words.shift();
  }
  if (command === program || command.commands.length > 0) return [`${line}: names no command`];
  const options: Option[] = [...command.options, ...program.options];
  const problems: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (!word.startsWith('-')) {
      positionals.push(word);
      continue;
    }
    const option = options.find((o) => o.long === word || o.short === word);
    if (!option) problems.push(`${line}: ${command.name()} has no ${word}`);
    else if (option.required && (words[i + 1] === undefined || words[i + 1]?.startsWith('-')))
      problems.push(`${line}: ${word} needs a value`);
    else if (option.required) i++;
  }
  const args = command.registeredArguments;
  const required = args.filter((a) => a.required).length;
  if (positionals.length < required) problems.push(`${line}: ${required} argument(s) expected`);
  if (!args.some((a) => a.variadic) && positionals.length > args.length)
    problems.push(`${line}: too many arguments (${positionals.join(' ')})`);
  return problems;
}

describe('the berth commands the demo prints', () => {
  const lines = () => [
    berthCli['loginCommand']!('127.0.0.1:18080', 'dana'),
    berthCli['setPasswordCommand']!('dana'),
    berthCli['createCommand']!('api-dev.yaml', 'dana'),
    berthCli['waitCommand']!('api-dev', 'api-staging'),
    berthCli['getCommand']!('api-prod'),
    berthCli['listCommand']!(),
    berthCli['eventsCommand']!('api-dev'),
    berthCli['syncCommand']!('api-prod', 'alice', { prune: true }),
    berthCli['auditCommand']!('2m'),
  ];

  it('covers every command builder of demo/lib/berth-cli.mjs', () => {
    // A builder added to the module without a line here would go unchecked.
    expect(lines()).toHaveLength(Object.keys(berthCli).length);
    expect(Object.keys(berthCli).sort()).toEqual(
      [
        'auditCommand',
        'createCommand',
        'eventsCommand',
        'getCommand',
        'listCommand',
        'loginCommand',
        'setPasswordCommand',
        'syncCommand',
        'waitCommand',
      ].sort(),
    );
  });

  it('prints only commands and flags the berth CLI has', () => {
    expect(lines().flatMap(problemsWith)).toEqual([]);
  });

  it('would catch a wrong one', () => {
    expect(problemsWith('berth app sync api-prod --purge')).toEqual([
      'berth app sync api-prod --purge: sync has no --purge',
    ]);
    expect(problemsWith('berth app teleport api-prod')).toHaveLength(1);
    expect(problemsWith('berth audit --since')).toEqual(['berth audit --since: --since needs a value']);
  });

  it('never prints a password', () => {
    for (const line of lines()) expect(line).not.toMatch(/--(new-|current-)?password (?!"\$[A-Z_]+")/);
  });
});
