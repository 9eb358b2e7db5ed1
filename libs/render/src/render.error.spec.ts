import { describe, expect, it } from '@jest/globals';
import { SourceError } from '@berth/sources';
import { RenderError, renderErrorOf } from './render.error';

describe('renderErrorOf', () => {
  it('keeps the code, field and message of a fetching failure, so a condition reads the same', () => {
    const fetching = new SourceError(
      'auth-failed',
      'git auth-failed for https://git.example/app.git',
      'spec.source.repoURL',
    );
    const rendered = renderErrorOf(fetching);
    expect(rendered).toBeInstanceOf(RenderError);
    expect(rendered).toMatchObject({
      code: 'auth-failed',
      field: 'spec.source.repoURL',
      message: 'git auth-failed for https://git.example/app.git',
      cause: fetching,
    });
  });

  it("calls a tool's timeout render-timeout, which is retried", () => {
    const rendered = renderErrorOf(new SourceError('timeout', 'helm pull did not finish within 60000 ms'));
    expect(rendered).toMatchObject({ code: 'render-timeout', retryable: true });
  });

  it('leaves any other error as it is', () => {
    const other = new Error('ECONNRESET');
    expect(renderErrorOf(other)).toBe(other);
    const render = new RenderError('path-not-found', 'spec.source.path "x" is not a directory');
    expect(renderErrorOf(render)).toBe(render);
  });
});
