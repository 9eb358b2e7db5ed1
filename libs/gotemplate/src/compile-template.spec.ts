import { describe, expect, it } from '@jest/globals';
import { argoNotificationHelpers } from './argo-notification.helpers';
import { compileTemplate } from './compile-template';
import { TemplateError } from './template.error';

describe('compileTemplate', () => {
  it('parses once and renders many data objects', () => {
    const t = compileTemplate('{{.app.metadata.name}}:{{.app.status.sync.status}}', 'x');
    expect(t.render({ app: { metadata: { name: 'a' }, status: { sync: { status: 'Synced' } } } })).toBe(
      'a:Synced',
    );
    expect(t.render({ app: { metadata: { name: 'b' } } })).toBe('b:<no value>');
  });

  it('toJson keeps Slack attachments valid JSON when a message contains quotes (argo-cd#8665)', () => {
    const t = compileTemplate('[{"title": "x", "text": {{ .app.status.operationState.message | toJson }}}]');
    const out = t.render({
      app: { status: { operationState: { message: 'Deployment "api" is <invalid>' } } },
    });
    expect(JSON.parse(out)).toEqual([{ title: 'x', text: 'Deployment "api" is <invalid>' }]);
  });

  it('reports parse errors with Go text and the exact line and column', () => {
    try {
      compileTemplate('ok\n  {{ .x | nope }}', 'tpl');
      throw new Error('expected a parse error');
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      const err = e as TemplateError;
      expect([err.code, err.message, err.line, err.column]).toEqual([
        'TEMPLATE_PARSE',
        'template: tpl:2: function "nope" not defined',
        2,
        10,
      ]);
    }
  });

  it('accepts caller functions at compile time and lets render override them', () => {
    const t = compileTemplate('{{ shout .s }}', 't', { funcs: { shout: (s: string) => s.toUpperCase() } });
    expect(t.render({ s: 'hi' })).toBe('HI');
    expect(t.render({ s: 'hi' }, { funcs: { shout: (s: string) => `${s}!` } })).toBe('hi!');
  });

  it('calls Argo CD helpers passed as data, including methods on returned times', () => {
    const helpers = argoNotificationHelpers({ now: () => new Date('2024-03-01T12:00:00Z') });
    const t = compileTemplate(
      '{{ (call .time.Parse .started).Add .time.Hour | printf "%v" }}|{{ call .repo.RepoURLToHTTPS "git@github.com:acme/app.git" }}|{{ call .repo.FullNameByRepoURL "https://github.com/acme/app.git" }}|{{ (call .time.Now).Sub (call .time.Parse .started) }}',
    );
    expect(t.render({ ...helpers, started: '2024-03-01T10:00:00Z' })).toBe(
      '2024-03-01 11:00:00 +0000 UTC|https://github.com/acme/app|acme/app|2h0m0s',
    );
  });

  it('fails a GetCommitMetadata call that has no backing repository with an execution error', () => {
    const t = compileTemplate('{{ (call .repo.GetCommitMetadata "abc").Message }}', 'commit');
    expect(() => t.render(argoNotificationHelpers())).toThrow(
      /executing "commit" at <call \.repo\.GetCommitMetadata "abc">: error calling call/,
    );
  });

  it('env and expandenv never expose the process environment: Argo CD removes them, so they do not parse', () => {
    expect(() => compileTemplate('[{{ env "HOME" }}]', 't')).toThrow(
      'template: t:1: function "env" not defined',
    );
    expect(() => compileTemplate('[{{ expandenv "a $HOME b" }}]', 't')).toThrow(
      'template: t:1: function "expandenv" not defined',
    );
  });
});
