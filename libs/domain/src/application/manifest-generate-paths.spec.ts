import { describe, expect, it } from '@jest/globals';
import type { Application } from './application.types';
import { appFilesHaveChanged, appRefreshPaths } from './manifest-generate-paths';

const app = (annotation: string | undefined, paths: string[]): Pick<Application, 'metadata' | 'spec'> => ({
  metadata: {
    name: 'api',
    ...(annotation === undefined
      ? {}
      : { annotations: { 'argocd.argoproj.io/manifest-generate-paths': annotation } }),
  },
  spec: {
    project: 'default',
    destination: { server: 'https://kubernetes.default.svc' },
    ...(paths.length === 1
      ? { source: { repoURL: 'https://git.example.com/r.git', path: paths[0] } }
      : { sources: paths.map((path) => ({ repoURL: 'https://git.example.com/r.git', path })) }),
  },
});

describe('appRefreshPaths', () => {
  it.each([
    ['no annotation', undefined, ['apps/api'], undefined],
    ['. is the source path', '.', ['apps/api'], ['apps/api']],
    ['relative paths join the source path', '.;../shared', ['apps/api'], ['apps/api', 'apps/shared']],
    ['absolute paths are from the repository root', '/charts/common; ;', ['apps/api'], ['charts/common']],
    ['each source of a multi-source app', '.', ['apps/api', 'values'], ['apps/api', 'values']],
  ])('%s', (_name, annotation, paths, expected) => {
    expect(appRefreshPaths(app(annotation, paths))).toEqual(expected);
  });
});

describe('appFilesHaveChanged', () => {
  it.each([
    ['a file below a path', ['apps/api'], ['apps/api/deployment.yaml'], true],
    ['the path itself', ['apps/api/values.yaml'], ['apps/api/values.yaml'], true],
    ['only other apps changed', ['apps/api'], ['apps/web/deployment.yaml', 'README.md'], false],
    ['a sibling with the same prefix is not below', ['apps/api'], ['apps/api-v2/x.yaml'], false],
    ['a glob', ['apps/*/values.yaml'], ['apps/web/values.yaml'], true],
    ['a glob does not cross directories', ['apps/*.yaml'], ['apps/web/values.yaml'], false],
    ['the push did not list files', ['apps/api'], [], true],
    ['the app names no paths', [], ['anything'], true],
    ['a leading slash in the payload', ['apps/api'], ['/apps/api/x.yaml'], true],
  ])('%s', (_name, refreshPaths, changedFiles, expected) => {
    expect(appFilesHaveChanged(refreshPaths, changedFiles)).toBe(expected);
  });

  it('refreshes when the payload carries no file list at all', () => {
    expect(appFilesHaveChanged(['apps/api'], undefined)).toBe(true);
  });
});
