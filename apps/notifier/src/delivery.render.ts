import type { CommitInfo } from '@berth/domain';
import {
  argoNotificationHelpers,
  compileTemplate,
  type RenderBudget,
  type Template,
} from '@berth/gotemplate';
import {
  buildTemplateData,
  type NotificationTemplate,
  type RenderedNotification,
  renderNotification,
} from '@berth/notifications';

/** Everything one delivery's render needs, as plain data (it crosses to a render thread). */
export interface DeliveryRenderInput {
  templates: NotificationTemplate[];
  /** The app snapshot taken when the trigger fired. */
  app: unknown;
  context: Record<string, string>;
  service: string;
  recipient: string;
  /** Commit info recorded by RevisionResolved, by SHA, for `.repo.GetCommitMetadata`. */
  commits: Record<string, CommitInfo>;
}

/** Compiled templates by source: a config's templates are rendered again and again. */
export class CompiledTemplates {
  private readonly bySource = new Map<string, Template>();

  get(source: string): Template {
    let template = this.bySource.get(source);
    if (!template) {
      template = compileTemplate(source);
      if (this.bySource.size > 1000) this.bySource.clear();
      this.bySource.set(source, template);
    }
    return template;
  }
}

/**
 * Renders a delivery's templates with Argo CD's template data. Each template field gets `budget`;
 * throws NotificationRenderError naming the field.
 */
export function renderDelivery(
  input: DeliveryRenderInput,
  budget: RenderBudget,
  compiled: CompiledTemplates,
): RenderedNotification {
  const data = {
    ...buildTemplateData({
      app: input.app,
      context: input.context,
      service: input.service,
      recipient: input.recipient,
    }),
    ...argoNotificationHelpers({
      // Unknown commits render empty rather than failing the send.
      getCommitMetadata: (sha) => {
        const c = input.commits[sha];
        return { Message: c?.message ?? '', Author: c?.author ?? '', Date: c?.date ?? new Date(0), Tags: [] };
      },
    }),
  };
  return renderNotification(input.templates, data, (source, d) => compiled.get(source).render(d, { budget }));
}
