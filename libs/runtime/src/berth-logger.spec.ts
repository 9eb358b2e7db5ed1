import { describe, expect, it } from '@jest/globals';
import { logLevelsFor } from './berth-logger';

describe('logLevelsFor: LOG_LEVEL turns on its level and every more severe one', () => {
  it.each([
    ['error', ['fatal', 'error']],
    ['warn', ['fatal', 'error', 'warn']],
    ['log', ['fatal', 'error', 'warn', 'log']],
    // LOG_LEVEL=debug once dropped the `log` lines of the worker and the notifier (they got [debug, error, warn]).
    ['debug', ['fatal', 'error', 'warn', 'log', 'debug']],
    ['verbose', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']],
  ] as const)('%s', (level, levels) => {
    expect(logLevelsFor(level)).toEqual(levels);
  });
});
