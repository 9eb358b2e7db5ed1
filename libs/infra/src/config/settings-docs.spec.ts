import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './berth-config';
import { parseConfigFile } from './config-file';
import { configurationTable, exampleConfigFile, settingsHelp, withConfigurationTable } from './settings-docs';
import { SETTINGS } from './settings-schema';

const read = (file: string) => readFileSync(join(process.cwd(), file), 'utf8');

describe('the settings schema is the one source of the docs', () => {
  it("README.md's configuration table is the one the schema generates (npm run docs:config)", () => {
    const readme = read('README.md');
    expect(readme).toContain(configurationTable());
    expect(withConfigurationTable(readme)).toBe(readme);
  });

  it('berth.yaml.example is the one the schema generates (npm run docs:config)', () => {
    expect(read('berth.yaml.example')).toBe(exampleConfigFile());
  });

  it('berth.yaml.example sets nothing as it is, and every setting of the right type once uncommented', () => {
    const problems: string[] = [];
    expect(parseConfigFile(exampleConfigFile(), 'berth.yaml.example', problems).env).toEqual({});
    expect(problems).toEqual([]);
    const uncommented = exampleConfigFile().replace(/^(\s*)# (?=[a-zA-Z]+: )/gm, '$1');
    const { env } = parseConfigFile(uncommented, 'uncommented', problems);
    expect(problems).toEqual([]);
    const given = Object.keys(env);
    for (const spec of SETTINGS.filter((s) => s.file !== undefined)) {
      expect({
        env: spec.env,
        given: given.some((v) => v === spec.env || (spec.type.kind === 'map' && v.startsWith(spec.env))),
      }).toEqual({ env: spec.env, given: true });
    }
  });

  it('every variable loadConfig reads is in the schema', () => {
    const source = ['berth-config.ts', 'redis-settings.ts']
      .map((f) => read(join('libs/infra/src/config', f)))
      .join('\n');
    const read_ = new Set([...source.matchAll(/'([A-Z][A-Z0-9_]{3,})'/g)].map((m) => m[1]));
    const known = new Set([...SETTINGS.map((s) => s.env), 'KUBERNETES_SERVICE_HOST']);
    expect([...read_].filter((v) => v !== undefined && !known.has(v))).toEqual([]);
  });

  it.each(
    SETTINGS.filter((s) => ['int', 'bool', 'enum', 'url'].includes(s.type.kind)).map(
      (s) => [s.env, s] as const,
    ),
  )(
    '%s: loadConfig checks it by the schema (a bad value is named; the default is used when unset)',
    (env) => {
      let error: unknown;
      try {
        loadConfig({ [env]: 'not valid!' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toContain(`${env}: `);
    },
  );

  it('--help lists the settings of its process only, with their keys and defaults, never a secret value', () => {
    const help = settingsHelp('worker', 'Usage: worker [--config FILE] [--help]');
    expect(help).toContain('WORKER_CONCURRENCY  (berth.yaml worker.concurrency; default 4)');
    expect(help).toContain(
      'DATABASE_URL  (berth.yaml database.url; default postgres://postgres@127.0.0.1:5432/berth; secret)',
    );
    expect(help).not.toContain('SCHEDULER_PORT');
    expect(settingsHelp('scheduler', 'x')).toContain('SCHEDULER_PORT');
  });
});
