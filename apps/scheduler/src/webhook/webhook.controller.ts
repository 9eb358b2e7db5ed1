import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Application, appFilesHaveChanged, appRefreshPaths, sourcesOf } from '@berth/domain';
import { JsonSyntaxError, parseJsonBounded } from '@berth/infra';
import { ValidQuery } from '../http/request-pipes';
import { SchedulerContext } from '../scheduler.context';
import { normalizeRepoUrl, parsePushWebhook, WebhookError } from './git-webhook';

/**
 * `POST /api/webhook`: a Git push refreshes, at once, every app whose source is that repository
 * and whose targetRevision is the pushed branch/tag (or HEAD, or a SHA/constraint we cannot tell),
 * except apps whose `argocd.argoproj.io/manifest-generate-paths` annotation names paths none of the
 * pushed files is in (when the payload lists the files).
 */
@Controller('api/webhook')
export class WebhookController {
  constructor(private readonly ctx: SchedulerContext) {}

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
      res.status(400).json({ error: 'WebhookRejected', message: shapeProblem });
      return;
    }
    let push;
    try {
      push = parsePushWebhook(req.headers, raw, {
        github: process.env['WEBHOOK_GITHUB_SECRET'],
        gitlab: process.env['WEBHOOK_GITLAB_SECRET'],
        gitea: process.env['WEBHOOK_GITEA_SECRET'],
        bitbucket: process.env['WEBHOOK_BITBUCKET_SECRET'],
      });
    } catch (error) {
      if (error instanceof WebhookError) {
        res.status(error.status).json({ error: 'WebhookRejected', message: error.message });
        return;
      }
      throw error;
    }
    if (!push) {
      res.json({ refreshed: [] });
      return;
    }
    const wanted = new Set(push.repoUrls.map(normalizeRepoUrl));
    const rows: Array<{ name: string; manifest: Pick<Application, 'metadata' | 'spec'> }> =
      await this.ctx.dataSource.query(`SELECT name, manifest FROM applications`);
    const hits: string[] = [];
    const changedRepoUrls = new Set<string>();
    for (const row of rows) {
      let hit = false;
      for (const s of sourcesOf(row.manifest as Application)) {
        if (typeof s.repoURL !== 'string' || !wanted.has(normalizeRepoUrl(s.repoURL))) continue;
        if (!targetMayMove(s.targetRevision ?? 'HEAD', push.ref)) continue;
        hit = true;
        changedRepoUrls.add(s.repoURL);
      }
      // Argo CD's manifest-generate-paths: in a monorepo, only the apps whose paths the push touched.
      if (hit && appFilesHaveChanged(appRefreshPaths(row.manifest), push.changedFiles)) hits.push(row.name);
    }
    // Before the refreshes: workers must not answer them with refs read before this push.
    await this.ctx.queues.markReposChanged(changedRepoUrls);
    const refreshed: string[] = [];
    for (const name of hits) {
      await this.ctx.queues.requestRefresh({
        application: name,
        hard: false,
        reason: `webhook: ${push.provider} push${push.ref ? ` to ${push.ref}` : ''}`,
      });
      refreshed.push(name);
    }
    res.json({ refreshed });
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

/** Would a push to `ref` change what `targetRevision` resolves to? A pinned SHA never moves. */
export function targetMayMove(targetRevision: string, ref: string | undefined): boolean {
  if (!ref || targetRevision === '' || targetRevision === 'HEAD') return true;
  if (/^[0-9a-f]{40}$/.test(targetRevision)) return false;
  if (/[*<>=^~ |]/.test(targetRevision)) return true; // a semver constraint over tags
  return targetRevision === ref || targetRevision.replace(/^refs\/(heads|tags)\//, '') === ref;
}
