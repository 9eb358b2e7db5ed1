import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { benchAppFiles, benchApps, benchObjects, MAX_OBJECTS, MIN_OBJECTS } from './bench-app.fixture';

describe('benchApps', () => {
  it('mixes directory, Kustomize and Helm apps of 5 to 15 objects', () => {
    const apps = benchApps(30);
    expect(new Set(apps.map((a) => a.kind))).toEqual(new Set(['directory', 'kustomize', 'helm']));
    const sizes = apps.map((a) => a.objectCount);
    expect(Math.min(...sizes)).toBe(MIN_OBJECTS);
    expect(Math.max(...sizes)).toBe(MAX_OBJECTS);
    expect(new Set(apps.map((a) => a.name)).size).toBe(30);
  });
});

describe('benchAppFiles', () => {
  it('writes a directory app whose manifests are exactly its objects', () => {
    const app = benchApps(1)[0]!;
    const files = benchAppFiles(app, 1);
    const docs = parseAllDocuments(files[`${app.path}/manifests.yaml`]!).map((d) => d.toJS() as unknown);
    expect(docs).toEqual(benchObjects(app.name, app.objectCount, 1));
  });

  it('changes the pod template, and only the files of that app, in a new generation', () => {
    const [, kustomize, helm] = benchApps(3);
    for (const app of [kustomize!, helm!]) {
      const before = benchAppFiles(app, 1);
      const after = benchAppFiles(app, 2);
      expect(Object.keys(after)).toEqual(Object.keys(before));
      expect(Object.keys(after).every((p) => p.startsWith(`${app.path}/`))).toBe(true);
      expect(after).not.toEqual(before);
    }
  });

  it('templates the Helm chart from values, not hard-coded text', () => {
    const helm = benchApps(3)[2]!;
    const files = benchAppFiles(helm, 7);
    expect(files[`${helm.path}/templates/all.yaml`]).toContain('{{ .Values.image }}');
    expect(files[`${helm.path}/values.yaml`]).toContain('generation: "7"');
  });
});
