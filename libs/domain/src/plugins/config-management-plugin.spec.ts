import { describe, expect, it } from '@jest/globals';
import { validateApplication } from '../application/application.validator';
import { formatIssue } from '../application/validation-issue';
import { pluginFullName, validateConfigManagementPlugin } from './config-management-plugin';

const plugin = (spec: Record<string, unknown>, name = 'cmp') => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ConfigManagementPlugin',
  metadata: { name },
  spec,
});

function errors(input: unknown): string[] {
  const result = validateConfigManagementPlugin(input);
  return result.ok ? [] : result.errors.map(formatIssue);
}

describe('validateConfigManagementPlugin', () => {
  it("accepts Argo CD's documented plugin.yaml and names it <name>-<version>", () => {
    const input = plugin({
      version: 'v1.0',
      init: { command: ['sh'], args: ['-c', 'echo "Initializing..."'] },
      generate: { command: ['sh', '-c'], args: ['echo {}'] },
      discover: {
        fileName: './subdir/s*.yaml',
        find: { glob: '**/Chart.yaml', command: ['sh', '-c', 'find .'] },
      },
      parameters: {
        static: [
          {
            name: 'string-param',
            title: 'T',
            tooltip: 't',
            required: false,
            itemType: '',
            collectionType: '',
            string: 'x',
          },
          { name: 'array-param', array: ['a'], collectionType: 'array' },
          { name: 'map-param', map: { some: 'value' }, collectionType: 'map' },
        ],
        dynamic: { command: ['echo', '[]'] },
      },
      preserveFileMode: false,
    });
    const result = validateConfigManagementPlugin(input);
    expect(result.ok).toBe(true);
    if (result.ok) expect(pluginFullName(result.plugin)).toBe('cmp-v1.0');
    expect(pluginFullName(plugin({ generate: { command: ['x'] } }) as never)).toBe('cmp');
  });

  it.each<[string, unknown, string]>([
    [
      'no generate',
      plugin({}),
      'spec.generate: required field is missing; give the command that prints the manifests',
    ],
    [
      'an empty command',
      plugin({ generate: { command: [] } }),
      'spec.generate.command: is empty; give the program to run and its arguments, e.g. [sh, -c]',
    ],
    [
      'a command that is a string',
      plugin({ generate: { command: 'sh -c x' } }),
      'spec.generate.command: expected a list, got a string ("sh -c x"); make it a list with one item: ["sh -c x"]',
    ],
    [
      'provideGitCreds',
      plugin({ generate: { command: ['x'] }, provideGitCreds: true }),
      'spec.provideGitCreds: is not supported: Berth never hands repository credentials to a plugin; remove it; a plugin that needs other repositories reads them with its own credentials',
    ],
    [
      'a name with a slash',
      plugin({ generate: { command: ['x'] } }, '../x'),
      'metadata.name: "../x" is not a plugin name; use lowercase letters, digits, "-" and "."',
    ],
    [
      'another kind',
      { ...plugin({ generate: { command: ['x'] } }), kind: 'Application' },
      'kind: expected "ConfigManagementPlugin", got "Application"',
    ],
  ])('refuses %s', (_what, input, expected) => {
    expect(errors(input)).toEqual([expected]);
  });
});

describe('validateApplication with the configured plugins', () => {
  const app = (source: Record<string, unknown>) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'nix' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/org/nix.git', path: '.', ...source },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'nix' },
    },
  });
  const errorsOf = (input: unknown, plugins?: string[]) => {
    const result = validateApplication(input, plugins ? { plugins } : {});
    return result.ok ? [] : result.errors.map(formatIssue);
  };

  it('accepts a configured name, an unnamed plugin block, and anything when the caller does not check', () => {
    expect(errorsOf(app({ plugin: { name: 'nix-v1' } }), ['nix-v1', 'tanka'])).toEqual([]);
    expect(errorsOf(app({ plugin: {} }), ['nix-v1'])).toEqual([]);
    expect(errorsOf(app({ plugin: { name: 'other' } }))).toEqual([]);
  });

  it('names an unknown plugin and lists the configured ones', () => {
    expect(errorsOf(app({ plugin: { name: 'nix' } }), ['nix-v1', 'tanka'])).toEqual([
      'spec.source.plugin.name: "nix" is not a configured plugin; use one of "nix-v1", "tanka"',
    ]);
  });

  it('refuses a plugin block when no plugin is configured, in spec.sources too', () => {
    const input = app({});
    const spec = input.spec as Record<string, unknown>;
    delete spec.source;
    spec.sources = [{ repoURL: 'https://git.example.com/org/nix.git', path: '.', plugin: {} }];
    expect(errorsOf(input, [])).toEqual([
      'spec.sources[0].plugin: no config management plugin is configured on this Berth; ask the operator to declare the plugin (BERTH_PLUGINS_DIR), or render the source with helm, kustomize or directory',
    ]);
  });

  it('refuses plugin env names that are not variable names and NULs in parameters', () => {
    expect(
      errorsOf(
        app({
          plugin: { env: [{ name: 'A=B', value: 'x' }], parameters: [{ name: 'p', string: 'a\u0000b' }] },
        }),
        ['x'],
      ),
    ).toEqual([
      'spec.source.plugin.env[0].name: "A=B" is not an environment variable name; use letters, digits and "_", not starting with a digit',
      'spec.source.plugin.parameters[0].string: holds a NUL character; remove it',
    ]);
  });
});
