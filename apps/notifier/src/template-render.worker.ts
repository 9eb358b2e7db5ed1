import { parentPort } from 'node:worker_threads';
import { TemplateError, type RenderBudget } from '@berth/gotemplate';
import { NotificationRenderError, type RenderedNotification } from '@berth/notifications';
import { CompiledTemplates, type DeliveryRenderInput, renderDelivery } from './delivery.render';

/** A render request from TemplateRenderPool. */
export interface RenderRequest {
  id: number;
  input: DeliveryRenderInput;
  budget: RenderBudget;
}

export type RenderReply =
  | { id: number; ok: true; rendered: RenderedNotification }
  | { id: number; ok: false; field?: string; detail: string; budget?: 'steps' | 'output' };

// The entry of a render thread: renders one request at a time; the pool stops the thread when a render
// runs past its wall time, which the thread itself could not do while a template loops.
const compiled = new CompiledTemplates();
parentPort?.on('message', ({ id, input, budget }: RenderRequest) => {
  let reply: RenderReply;
  try {
    reply = { id, ok: true, rendered: renderDelivery(input, budget, compiled) };
  } catch (err) {
    const cause = (err as Error).cause;
    reply =
      err instanceof NotificationRenderError
        ? {
            id,
            ok: false,
            field: err.field,
            detail: err.detail,
            budget: cause instanceof TemplateError ? cause.budget : undefined,
          }
        : { id, ok: false, detail: (err as Error).message };
  }
  parentPort?.postMessage(reply);
});
