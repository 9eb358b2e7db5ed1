import { describe, expect, it } from '@jest/globals';
import type { ResourceRow } from '../format/resource-rows';
import { changedLines, colourStatus, PROGRESS_HEADER } from './progress-lines';

const row = (health: string): ResourceRow => ({
  group: 'apps',
  kind: 'Deployment',
  namespace: 'web',
  name: 'ui',
  status: 'Synced',
  health,
  hook: '',
  message: 'deployment.apps/ui created',
});

describe('progress lines', () => {
  it('prints a resource when it first appears and each time it changes, never twice the same', () => {
    const seen = new Map<string, string>();
    const at = new Date('2026-12-04T10:00:00.123Z');
    expect(changedLines(seen, [row('Progressing')], at)).toEqual([
      '2026-12-04T10:00:00Z  apps  Deployment  web  ui  Synced  Progressing  -  deployment.apps/ui created',
    ]);
    expect(changedLines(seen, [row('Progressing')], at)).toEqual([]);
    expect(changedLines(seen, [row('Healthy')], at)).toHaveLength(1);
    expect(PROGRESS_HEADER).toBe('TIMESTAMP  GROUP  KIND  NAMESPACE  NAME  STATUS  HEALTH  HOOK  MESSAGE');
  });

  it('colours known statuses only', () => {
    expect(colourStatus('Healthy')).toBe('\u001b[32mHealthy\u001b[0m');
    expect(colourStatus('whatever')).toBe('whatever');
  });
});
