import {
  Body,
  Controller,
  HttpCode,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { Public } from '@berth/auth';
import type { Request, Response } from 'express';
import { openRedisLike } from '@berth/queues';
import {
  type Application,
  type ApplicationSetGenerator,
  appFilesHaveChanged,
  appRefreshPaths,
  sourcesOf,
} from '@berth/domain';
import { JsonSyntaxError, parseJsonBounded, type RedisClient } from '@berth/infra';
import { grpcCodeOf } from '../http/grpc-code';
import { ValidQuery } from '../http/request-pipes';
import { SchedulerContext } from '../scheduler.context';
import {
  normalizeRepoUrl,
  parsePushWebhook,
  type PushEvent,
  verifyWebhook,
  type WebhookDelivery,
  WebhookError,
} from './git-webhook';
import { type ReplayClaim, ReplayStoreUnavailableError, WebhookReplayGuard } from './webhook-replay.guard';

/** Seconds a sender should wait before retrying while Redis is unavailable. */
const RETRY_AFTER_SECONDS = 30;

/**
 * `POST /api/webhook`: a Git push refreshes, at once, every app whose source is that repository
 * and whose targetRevision is the pushed branch/tag (or HEAD, or a SHA/constraint we cannot tell),
 * except apps whose `argocd.argoproj.io/manifest-generate-paths` annotation names paths none of the
 * pushed files is in (when the payload lists the files).
 *
 * Forged requests are refused (401) once any webhook secret is set; a delivery seen within the replay
 * window is answered 202 "duplicate delivery" and does nothing. While Redis is down the answer is 503 with
 * Retry-After and nothing is done: the refresh queue lives in the same Redis, so the push could not be
 * acted on anyway, and a sender that retries on 5xx (Bitbucket, Gitea) delivers it again once Redis is
 * back, where a 2xx would have lost it.
 */
@Controller('api/webhook')
@Public() // a push is verified by its provider's signature (webhook secrets), not by a Berth token
export class WebhookController implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('webhook');
  private redis: RedisClient | undefined;
  private replays: WebhookReplayGuard | undefined;

  constructor(private readonly ctx: SchedulerContext) {}

  onModuleInit(): void {
    // Fail fast rather than queue (see WebhookReplayGuard); reconnects on its own when Redis is back.
    this.redis = openRedisLike(this.ctx.redis, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 2_000,
      connectionName: 'berth-scheduler-webhook',
    });
    this.redis.on('error', () => undefined); // answered per request as 503
    this.replays = new WebhookReplayGuard(this.redis, this.ctx.config.queuePrefix);
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  @Post()
  @HttpCode(200)
  async receive(
    @Req() req: Request,
    @Body() body: unknown,
    @ValidQuery() _query: object,
    @Res() res: Response,
  ): Promise<void> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body ?? {});
    const shapeProblem = webhookShapeProblem(raw);
    if (shapeProblem) {
      res.status(400).json({ error: 'WebhookRejected', code: grpcCodeOf(400), message: shapeProblem });
      return;
    }
    let delivery: WebhookDelivery;
    let push: PushEvent | undefined;
    try {
      delivery = verifyWebhook(req.headers, raw, this.ctx.config.webhookSecrets);
      push = parsePushWebhook(req.headers, raw, delivery);
    } catch (error) {
      if (error instanceof WebhookError) {
        res
          .status(error.status)
          .json({ error: 'WebhookRejected', code: grpcCodeOf(error.status), message: error.message });
        return;
      }
      throw error;
    }
    if (!push) {
      res.json({ refreshed: [] });
      return;
    }
    let claim: ReplayClaim;
    try {
      claim = await this.replays!.claim(delivery, raw);
    } catch (error) {
      if (!(error instanceof ReplayStoreUnavailableError)) throw error;
      this.logger.warn(`${delivery.provider} webhook answered 503: ${error.message}`);
      res
        .status(503)
        .set('Retry-After', String(RETRY_AFTER_SECONDS))
        .json({
          error: 'WebhookUnavailable',
          code: grpcCodeOf(503),
          message: `cannot check the delivery against earlier ones (Redis unavailable); nothing was done, retry in ${RETRY_AFTER_SECONDS} s`,
        });
      return;
    }
    if (claim.duplicate) {
      res.status(202).json({
        duplicate: true,
        message: `duplicate delivery${delivery.deliveryId ? ` ${delivery.deliveryId}` : ''}: this ${delivery.provider} push was handled already; nothing was done`,
        refreshed: [],
      });
      return;
    }
    try {
      res.json({ refreshed: await this.refresh(push) });
    } catch (error) {
      await claim.release(); // the sender's retry must be handled, not answered "duplicate"
      throw error;
    }
  }

  private async refresh(push: PushEvent): Promise<string[]> {
    const wanted = new Set(push.repoUrls.map(normalizeRepoUrl));
    const rows = await this.ctx.applications.manifests();
    const hits: string[] = [];
    const changedRepoUrls = new Set<string>();
    for (const row of rows) {
      const app = row.manifest as unknown as Application;
      let hit = false;
      for (const s of sourcesOf(app)) {
        if (typeof s.repoURL !== 'string' || !wanted.has(normalizeRepoUrl(s.repoURL))) continue;
        if (!targetMayMove(s.targetRevision ?? 'HEAD', push.ref)) continue;
        hit = true;
        changedRepoUrls.add(s.repoURL);
      }
      // Argo CD's manifest-generate-paths: in a monorepo, only the apps whose paths the push touched.
      if (hit && appFilesHaveChanged(appRefreshPaths(app), push.changedFiles)) hits.push(row.name);
    }
    // ApplicationSets whose git generators read the pushed repository (Argo CD's appset webhook).
    const appSets: string[] = [];
    for (const record of await this.ctx.applicationSets.list()) {
      const hit = gitGeneratorsOf(record.manifest.spec.generators).filter(
        (git) => wanted.has(normalizeRepoUrl(git.repoURL)) && targetMayMove(git.revision, push.ref),
      );
      if (hit.length === 0) continue;
      hit.forEach((git) => changedRepoUrls.add(git.repoURL));
      appSets.push(record.name);
    }
    // Before the refreshes: workers must not answer them with refs read before this push.
    await this.ctx.queues.markReposChanged(changedRepoUrls);
    for (const name of appSets) await this.ctx.queues.requestApplicationSetReconcile(name, 'webhook');
    const refreshed: string[] = [];
    for (const name of hits) {
      await this.ctx.queues.requestRefresh({
        application: name,
        hard: false,
        reason: `webhook: ${push.provider} push${push.ref ? ` to ${push.ref}` : ''}`,
      });
      refreshed.push(name);
    }
    return refreshed;
  }
}

/**
 * Every provider sends a JSON object. Anything else (`null`, a list) made the payload reader throw
 * (a 500); a body nested past the document limits is refused before it is parsed. Text that is not
 * JSON is left to the provider parser, which ignores it for pings and refuses it for pushes.
 */
function webhookShapeProblem(raw: string): string | undefined {
  if (raw.trim() === '') return undefined;
  let value: unknown;
  try {
    value = parseJsonBounded(raw);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    return `webhook body refused: ${(error as Error).message}`;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? undefined
    : "webhook body must be a JSON object (the provider's push payload)";
}

/** Every git generator of an ApplicationSet, inside matrices too. */
function gitGeneratorsOf(generators: readonly ApplicationSetGenerator[]): GitGenerator[] {
  return generators.flatMap((g) => [
    ...(g.git ? [g.git] : []),
    ...(g.matrix ? gitGeneratorsOf(g.matrix.generators) : []),
  ]);
}

type GitGenerator = NonNullable<ApplicationSetGenerator['git']>;

/** Would a push to `ref` change what `targetRevision` resolves to? A pinned SHA never moves. */
export function targetMayMove(targetRevision: string, ref: string | undefined): boolean {
  if (!ref || targetRevision === '' || targetRevision === 'HEAD') return true;
  if (/^[0-9a-f]{40}$/.test(targetRevision)) return false;
  if (/[*<>=^~ |]/.test(targetRevision)) return true; // a semver constraint over tags
  return targetRevision === ref || targetRevision.replace(/^refs\/(heads|tags)\//, '') === ref;
}
