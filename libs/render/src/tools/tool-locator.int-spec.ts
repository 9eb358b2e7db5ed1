import { describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultToolsDir, findTools, toolVersions } from './tool-locator';

// Needs `node scripts/install-tools.mjs`.
describe('findTools', () => {
  it('prefers the pinned .tools binaries over PATH and uses kubectl kustomize without kustomize', async () => {
    const toolsDir = defaultToolsDir();
    expect(toolsDir).toBeDefined();
    const tools = findTools({ env: { PATH: '/usr/bin:/bin' } });
    expect(tools.helm).toBe(join(toolsDir!, 'helm'));
    expect(tools.kubectl).toBe(join(toolsDir!, 'kubectl'));
    expect(tools.kustomize).toEqual({
      command: join(toolsDir!, 'kubectl'),
      buildArgs: ['kustomize'],
      standalone: false,
    });
    // jsonnet is Debian's package (apt-get install jsonnet), found on PATH.
    expect(tools.jsonnet).toBe('/usr/bin/jsonnet');
    expect(await toolVersions(tools)).toEqual({
      helm: 'v4.1.4',
      kustomize: 'v5.7.1',
      kubectl: 'v1.34.5',
      jsonnet: 'v0.18.0',
    });
  });

  it('lets HELM_PATH / KUSTOMIZE_PATH override, and refuses a non-executable override', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-tools-'));
    try {
      const fake = join(dir, 'kustomize');
      await writeFile(fake, '#!/bin/sh\necho v9.9.9\n');
      await chmod(fake, 0o755);
      const tools = findTools({ env: { PATH: '', KUSTOMIZE_PATH: fake } });
      expect(tools.kustomize).toEqual({ command: fake, buildArgs: ['build'], standalone: true });
      expect((await toolVersions(tools)).kustomize).toBe('v9.9.9');
      expect(() => findTools({ env: { HELM_PATH: join(dir, 'nope') } })).toThrow(
        /HELM_PATH=.* is not an executable file/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
