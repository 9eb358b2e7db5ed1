import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './berth-config';
import { loadBerthSettings, parseProcessArgs } from './berth-settings';

let dir: string;
let count = 0;

/** A berth.yaml in its own directory (mode 600 unless told). */
function configFile(text: string, mode = 0o600): string {
  const file = join(dir, `berth-${++count}.yaml`);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

/** The problems a start with this file (and environment) stops with. */
function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    loadBerthSettings({ configFile: configFile(text), env, cwd: dir });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-settings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadBerthSettings: berth.yaml and the environment', () => {
  it('reads the file by its nested keys; a variable that is set wins, an empty one does not', () => {
    const file = configFile(
      [
        'scheduler:',
        '  port: 9090',
        'worker:',
        '  concurrency: 8',
        '  liveState:',
        '    enabled: false',
        'log:',
        '  level: debug',
        'outbound:',
        '  allow: [169.254.10.0/24, "*.internal.example.com"]',
        'notifications:',
        '  secrets:',
        '    slack-token: xoxb-file',
      ].join('\n'),
    );
    const { config, env } = loadBerthSettings({
      configFile: file,
      env: {
        SCHEDULER_PORT: '7070',
        WORKER_CONCURRENCY: '',
        BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN: 'xoxb-env',
      },
      cwd: dir,
    });
    expect(config.schedulerPort).toBe(7070);
    expect(config.workerConcurrency).toBe(8);
    expect(config.liveState.enabled).toBe(false);
    expect(config.logLevel).toBe('debug');
    expect(config.outboundAllow).toEqual(['169.254.10.0/24', '*.internal.example.com']);
    expect(config.notificationSecrets).toEqual({ SLACK_TOKEN: 'xoxb-env' });
    // What the process's own checks read (a stack trace at LOG_LEVEL=debug) sees the file too.
    expect(env['LOG_LEVEL']).toBe('debug');
  });

  it('finds the file from --config, else BERTH_SERVER_CONFIG, else ./berth.yaml in the working directory', () => {
    const flag = configFile('scheduler:\n  port: 1001\n');
    const variable = configFile('scheduler:\n  port: 1002\n');
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'berth.yaml'), 'scheduler:\n  port: 1003\n');
    expect(
      loadBerthSettings({ configFile: flag, env: { BERTH_SERVER_CONFIG: variable }, cwd }).config
        .schedulerPort,
    ).toBe(1001);
    expect(loadBerthSettings({ env: { BERTH_SERVER_CONFIG: variable }, cwd }).config.schedulerPort).toBe(
      1002,
    );
    const byDefault = loadBerthSettings({ env: {}, cwd });
    expect(byDefault.config.schedulerPort).toBe(1003);
    expect(byDefault.file).toBe(join(cwd, 'berth.yaml'));
    expect(loadBerthSettings({ env: {}, cwd: dir }).file).toBeUndefined();
  });

  it('a file named on the command line that does not exist stops the start, naming it', () => {
    expect(() => loadBerthSettings({ configFile: 'missing.yaml', env: {}, cwd: dir })).toThrow(
      /--config missing\.yaml: cannot read .*missing\.yaml \(no such file\)/,
    );
    expect(() => loadBerthSettings({ env: { BERTH_SERVER_CONFIG: 'gone.yaml' }, cwd: dir })).toThrow(
      /BERTH_SERVER_CONFIG gone\.yaml: cannot read/,
    );
  });

  it('refuses unknown keys, naming the file, the key and the fix', () => {
    const problems = problemsOf(
      ['scheduler:', '  prot: 8080', 'DATABASE_URL: postgres://db/berth', 'colour: blue'].join('\n'),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /berth-\d+\.yaml: unknown key scheduler\.prot; did you mean scheduler\.port\?/,
    );
    expect(problems[1]).toMatch(
      /unknown key DATABASE_URL; DATABASE_URL is an environment variable: in the file write database\.url/,
    );
    expect(problems[2]).toMatch(
      /unknown key colour; remove it or fix its name \(every key is in berth\.yaml\.example\)/,
    );
  });

  it('refuses values of the wrong YAML type, with the fix', () => {
    const problems = problemsOf(
      [
        'scheduler:',
        '  port: "8080"',
        'repositories:',
        '  allowFile: yes',
        'log:',
        '  level: 3',
        'worker: 4',
        'outbound:',
        '  allow: { a: b }',
      ].join('\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /scheduler\.port is a string \("8080"\); write a whole number from 0 to 65535 without quotes, e\.g\. port: 8080$/,
      ),
      expect.stringMatching(
        /repositories\.allowFile is a string \("yes"\); write true or false, without quotes$/,
      ),
      expect.stringMatching(
        /log\.level is a whole number \(3\); write one of error, warn, log, debug, verbose in quotes$/,
      ),
      expect.stringMatching(/worker is a section: write its settings below it/),
      expect.stringMatching(/outbound\.allow is a mapping; write a list of strings/),
    ]);
  });

  it("a bad value from the file is named by the file's key; one from the environment by its variable", () => {
    const problems = problemsOf('log:\n  level: loud\n  format: xml\n', { LOG_FORMAT: 'yaml' });
    expect(problems).toEqual([
      expect.stringMatching(/berth-\d+\.yaml: log\.level \(LOG_LEVEL\): "loud" must be one of error, warn/),
      'LOG_FORMAT: "yaml" must be text or json',
    ]);
  });

  it("never echoes a secret's value: not in a type error, a bad key, a URL, or broken YAML", () => {
    const problems = problemsOf(
      [
        'server:',
        '  secretKey: not-a-key-hunter2',
        'secretKey: 123456789',
        'database:',
        '  url: mysql://root:hunter2@db/berth',
        'webhooks:',
        '  githubSecret: [hunter2]',
      ].join('\n'),
    );
    const text = problems.join('\n');
    expect(text).not.toMatch(/hunter2|123456789/);
    expect(text).toMatch(/secretKey is a whole number; write a string in quotes/);
    expect(text).toMatch(/webhooks\.githubSecret is a list; write a string$/m);
    expect(text).toMatch(/server\.secretKey \(BERTH_SERVER_SECRET_KEY\): must be 32 bytes/);
    expect(text).toMatch(
      /database\.url \(DATABASE_URL\): "mysql:\/\/root:\*\*\*@db\/berth" must use postgres/,
    );
    const broken = problemsOf('server:\n  secretKey: "hunter2\n  url: [\n');
    expect(broken.join('\n')).toMatch(/not valid YAML at line \d+, column \d+/);
    expect(broken.join('\n')).not.toContain('hunter2');
  });

  it('warns, without values, when others may read a file that holds secrets', () => {
    const secret = 'server:\n  secretKey: ' + Buffer.alloc(32, 7).toString('base64') + '\n';
    const open = configFile(secret, 0o644);
    const { warnings } = loadBerthSettings({ configFile: open, env: {}, cwd: dir });
    expect(warnings).toEqual([
      `${open} holds secrets (server.secretKey) and others may read it (mode 644): chmod 600 ${open}`,
    ]);
    expect(loadBerthSettings({ configFile: configFile(secret, 0o600), env: {}, cwd: dir }).warnings).toEqual(
      [],
    );
    expect(
      loadBerthSettings({ configFile: configFile('scheduler:\n  port: 1\n', 0o644), env: {}, cwd: dir })
        .warnings,
    ).toEqual([]);
  });

  it('an empty file, or sections left empty as in berth.yaml.example, is no setting', () => {
    expect(loadBerthSettings({ configFile: configFile(''), env: {}, cwd: dir }).config.schedulerPort).toBe(
      8080,
    );
    expect(
      loadBerthSettings({ configFile: configFile('scheduler:\n  # port: 1\nworker:\n'), env: {}, cwd: dir })
        .config.schedulerPort,
    ).toBe(8080);
    expect(problemsOf('- a list\n')).toEqual([expect.stringMatching(/must be a mapping of settings/)]);
  });
});

describe('parseProcessArgs', () => {
  it.each<[string[], object]>([
    [[], { configFile: undefined, help: false, error: undefined }],
    [['--help'], { configFile: undefined, help: true, error: undefined }],
    [['--config', 'b.yaml'], { configFile: 'b.yaml', help: false, error: undefined }],
    [['--config=/etc/berth.yaml', '-h'], { configFile: '/etc/berth.yaml', help: true, error: undefined }],
  ])('%j -> %j', (argv, expected) => expect(parseProcessArgs(argv)).toEqual(expected));

  it.each([[['--config']], [['--config', '--help']], [['--confg', 'b.yaml']], [['serve']]])(
    '%j is refused with the usage',
    (argv) => expect(parseProcessArgs(argv).error).toMatch(/--config/),
  );
});
