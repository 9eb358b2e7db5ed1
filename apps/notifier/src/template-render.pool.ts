import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NotificationRenderError, type RenderedNotification } from '@berth/notifications';
import type { DeliveryRenderInput } from './delivery.render';
import type { RenderReply, RenderRequest } from './template-render.worker';

/** The notifier's render budget (BerthConfig.notificationRender); each limit names its setting in errors. */
export interface NotificationRenderBudget {
  /** Wall time of one delivery's render, ms (BERTH_NOTIFICATIONS_RENDER_TIMEOUT_MS, default 5000). */
  timeoutMs: number;
  /** Output characters of one template field (BERTH_NOTIFICATIONS_RENDER_MAX_OUTPUT_CHARS, default 1 Mi). */
  maxOutputChars: number;
  /** Steps of one template field (BERTH_NOTIFICATIONS_RENDER_MAX_STEPS, default 1,000,000). */
  maxSteps: number;
}

export const DEFAULT_NOTIFICATION_RENDER_BUDGET: NotificationRenderBudget = {
  timeoutMs: 5_000,
  maxOutputChars: 1_048_576,
  maxSteps: 1_000_000,
};

/** Heap of one render thread: a backstop the step and output budgets should never reach. */
export const RENDER_THREAD_HEAP_MB = 256;

export interface TemplateRenderPoolOptions {
  budget?: NotificationRenderBudget;
  /** Render threads (default 2): renders take about a millisecond; more threads only cost memory. */
  threads?: number;
  /** The compiled worker entry (default: beside this file once built, dist/ when running from sources). */
  workerFile?: string;
}

interface Task {
  id: number;
  input: DeliveryRenderInput;
  resolve(rendered: RenderedNotification): void;
  reject(err: Error): void;
}

interface RenderThread {
  worker: Worker;
  task?: Task;
  timer?: NodeJS.Timeout;
}

const WORKER_ENTRY = 'template-render.worker.js';

/** Where the compiled worker entry is: beside this module when built; the build's copy when running sources (Jest). */
export function defaultRenderWorkerFile(): string {
  const beside = typeof __dirname === 'string' ? join(__dirname, WORKER_ENTRY) : undefined;
  if (beside && existsSync(beside)) return beside;
  return join(process.cwd(), 'dist', 'apps', 'notifier', 'src', WORKER_ENTRY);
}

/**
 * Renders deliveries on a small pool of worker threads so that no template can stop the notifier: the
 * evaluator's step and output budgets bound the work of ordinary templates, and a render still running
 * at `timeoutMs` (a catastrophic regular expression, one huge function call) has its thread terminated
 * and replaced. The main thread, and with it `/healthz` and the other deliveries, never waits on a
 * template. A thread's heap is capped too (`RENDER_THREAD_HEAP_MB`), so a render cannot grow the process.
 */
export class TemplateRenderPool {
  private readonly budget: NotificationRenderBudget;
  private readonly size: number;
  private readonly workerFile: string;
  private readonly threads: RenderThread[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: TemplateRenderPoolOptions = {}) {
    this.budget = options.budget ?? DEFAULT_NOTIFICATION_RENDER_BUDGET;
    this.size = Math.max(1, options.threads ?? 2);
    this.workerFile = options.workerFile ?? defaultRenderWorkerFile();
    if (!existsSync(this.workerFile))
      throw new Error(`template render worker ${this.workerFile} is missing: run npm run build first`);
  }

  /** Renders one delivery; rejects with NotificationRenderError (permanent) naming the field or templates. */
  render(input: DeliveryRenderInput): Promise<RenderedNotification> {
    if (this.closed) return Promise.reject(new Error('template render pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('template render pool is closed'));
    await Promise.all(this.threads.splice(0).map((t) => this.stop(t)));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let thread = this.threads.find((t) => !t.task);
      if (!thread && this.threads.length < this.size) thread = this.spawn();
      if (!thread) return;
      const task = this.queue.shift()!;
      thread.task = task;
      thread.timer = setTimeout(() => this.timedOut(thread), this.budget.timeoutMs);
      const request: RenderRequest = {
        id: task.id,
        input: task.input,
        budget: { maxSteps: this.budget.maxSteps, maxOutputChars: this.budget.maxOutputChars },
      };
      thread.worker.postMessage(request);
    }
  }

  private spawn(): RenderThread {
    const worker = new Worker(this.workerFile, {
      resourceLimits: { maxOldGenerationSizeMb: RENDER_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    });
    // A thread waiting for work must not keep the process alive; a render in flight is awaited by its caller.
    worker.unref();
    const thread: RenderThread = { worker };
    worker.on('message', (reply: RenderReply) => {
      const task = thread.task;
      if (!task || task.id !== reply.id) return;
      this.finish(thread);
      if (reply.ok) task.resolve(reply.rendered);
      else task.reject(renderError(reply, this.budget));
      this.dispatch();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const task = thread.task;
      this.discard(thread);
      const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      task?.reject(
        outOfMemory
          ? new NotificationRenderError(
              fieldOf(task),
              `render stopped: it needed more than ${RENDER_THREAD_HEAP_MB} MB of memory (render budget, docs/security.md)`,
            )
          : new Error(`render thread failed: ${err.message}`),
      );
      this.dispatch();
    });
    worker.on('exit', () => {
      if (!this.threads.includes(thread)) return;
      const task = thread.task;
      this.discard(thread);
      task?.reject(new Error('render thread exited unexpectedly'));
      this.dispatch();
    });
    this.threads.push(thread);
    return thread;
  }

  private timedOut(thread: RenderThread): void {
    const task = thread.task;
    this.discard(thread);
    void this.stop(thread);
    task?.reject(
      new NotificationRenderError(
        fieldOf(task),
        `render stopped after ${this.budget.timeoutMs} ms, the render budget's wall time: the template did not finish ` +
          '(raise BERTH_NOTIFICATIONS_RENDER_TIMEOUT_MS if it is meant to take that long)',
      ),
    );
    this.dispatch();
  }

  private finish(thread: RenderThread): void {
    if (thread.timer) clearTimeout(thread.timer);
    thread.timer = undefined;
    thread.task = undefined;
  }

  /** Takes a thread out of the pool (its task, if any, is the caller's to settle). */
  private discard(thread: RenderThread): void {
    this.finish(thread);
    const at = this.threads.indexOf(thread);
    if (at >= 0) this.threads.splice(at, 1);
  }

  private async stop(thread: RenderThread): Promise<void> {
    thread.worker.removeAllListeners('exit');
    await thread.worker.terminate().catch(() => undefined);
  }
}

const BUDGET_SETTINGS = {
  steps: 'BERTH_NOTIFICATIONS_RENDER_MAX_STEPS',
  output: 'BERTH_NOTIFICATIONS_RENDER_MAX_OUTPUT_CHARS',
} as const;

function renderError(reply: Extract<RenderReply, { ok: false }>, budget: NotificationRenderBudget): Error {
  if (!reply.field) return new Error(`render failed: ${reply.detail}`);
  const hint = reply.budget
    ? ` (render budget: ${reply.budget === 'steps' ? budget.maxSteps : budget.maxOutputChars}; raise ` +
      `${BUDGET_SETTINGS[reply.budget]} if this template is meant to do that much)`
    : '';
  return new NotificationRenderError(reply.field, `${reply.detail}${hint}`);
}

/** The templates of a render that was stopped as a whole (which field was running is not known). */
function fieldOf(task: Task): string {
  return task.input.templates.map((t) => `template.${t.name}`).join(', ') || 'template';
}
