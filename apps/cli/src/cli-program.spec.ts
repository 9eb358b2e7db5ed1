import { describe, expect, it } from '@jest/globals';
import type { Command } from 'commander';
import { buildProgram } from './cli-program';

const leaves = (command: Command, path: string[] = []): Array<[string, Command]> =>
  command.commands.length === 0
    ? [[path.join(' '), command]]
    : command.commands.flatMap((c) => leaves(c, [...path, c.name()]));

describe('the berth command tree', () => {
  const all = leaves(buildProgram('test'));

  it("has Argo CD's command names", () => {
    const names = all.map(([path]) => path);
    for (const name of [
      'login',
      'logout',
      'context',
      'account get-user-info',
      'app list',
      'app get',
      'app create',
      'app sync',
      'app wait',
      'app diff',
      'app history',
      'app rollback',
      'app manifests',
      'app resources',
      'app set',
      'app unset',
      'app terminate-op',
      'app delete',
      'app logs',
      'repo add',
      'cluster add',
      'proj windows list',
      'appset list',
      'appset get',
      'appset create',
      'appset delete',
      'appset generate',
      'completion',
    ])
      expect(names).toContain(name);
  });

  it.each(all.map(([path, command]) => [path, command] as const))(
    '%s has an example in its help',
    (_path, command) => {
      let text = '';
      command.configureOutput({ writeOut: (s) => (text += s) });
      command.outputHelp();
      expect(text).toMatch(/Examples:\n {2}(berth|source) /);
    },
  );
});
