import { describe, expect, it } from '@jest/globals';
import { buildEnvironment } from '../build-environment';
import { pluginEnvironment, pluginParametersJson } from './plugin-environment';

const env = buildEnvironment({
  appName: 'guestbook',
  namespace: 'web',
  project: 'default',
  revision: '0123456789abcdef0123456789abcdef01234567',
  repoURL: 'https://git.example.com/org/repo.git',
  path: 'apps/guestbook',
  targetRevision: 'main',
});

describe('pluginEnvironment (Argo CD: getPluginParamEnvs + ApplicationSourcePluginParameters.Environ)', () => {
  it('marshals the parameters as Go does: sorted keys, HTML escaped, null when there are none', () => {
    expect(pluginParametersJson(undefined)).toBe('null');
    expect(pluginParametersJson([])).toBe('null');
    expect(
      pluginParametersJson([
        { name: 'values-files', array: ['values-dev.yaml'] },
        { name: 'helm-parameters', map: { 'image.tag': 'v1.2.3', a: '<b>&' } },
        { name: 'mode', string: 'fast' },
        { name: 'empty', array: [] },
      ]),
    ).toBe(
      '[{"array":["values-dev.yaml"],"name":"values-files"},' +
        '{"map":{"a":"\\u003cb\\u003e\\u0026","image.tag":"v1.2.3"},"name":"helm-parameters"},' +
        '{"name":"mode","string":"fast"},{"array":[],"name":"empty"}]',
    );
  });

  it('gives the build environment, ARGOCD_ENV_ variables (substituted) and PARAM_ variables', () => {
    const out = pluginEnvironment(env, {
      name: 'cmp',
      env: [
        { name: 'FOO', value: 'bar' },
        { name: 'REV', value: 'test-$ARGOCD_APP_REVISION_SHORT' },
        { name: 'PATH', value: '/evil' },
      ],
      parameters: [
        { name: 'some-string-param', string: 'some-string-value' },
        { name: 'some-array-param', array: ['item1', 'item2'] },
        { name: 'some-map-param', map: { 'image.tag': 'v1.2.3' } },
      ],
    });
    expect(out).toMatchObject({
      ARGOCD_APP_NAME: 'guestbook',
      ARGOCD_APP_NAMESPACE: 'web',
      ARGOCD_APP_PROJECT_NAME: 'default',
      ARGOCD_APP_REVISION_SHORT: '0123456',
      ARGOCD_APP_SOURCE_PATH: 'apps/guestbook',
      ARGOCD_ENV_FOO: 'bar',
      ARGOCD_ENV_REV: 'test-0123456',
      ARGOCD_ENV_PATH: '/evil',
      PARAM_SOME_STRING_PARAM: 'some-string-value',
      PARAM_SOME_ARRAY_PARAM_0: 'item1',
      PARAM_SOME_ARRAY_PARAM_1: 'item2',
      PARAM_SOME_MAP_PARAM_IMAGE_TAG: 'v1.2.3',
    });
    expect(out).not.toHaveProperty('PATH');
    expect(JSON.parse(out.ARGOCD_APP_PARAMETERS!)).toHaveLength(3);
  });
});
