import { ANONYMOUS, identityOf, Public } from '@berth/auth';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ValidQuery } from '../http/request-pipes';
import { ServerInfoService } from './server-info.service';
import { StatusBadgeService, type RawQuery } from './status-badge.service';

/**
 * The routes Argo CD answers before login, and Berth too (docs/api.md, "Public routes"): the version
 * (`VersionService`), the settings a login page needs (`SettingsService`) and the status badge READMEs
 * embed. The authentication guard lets exactly these through without a token; what they show an anonymous
 * caller is decided here (`loggedIn`), as Argo CD's AuthFuncOverride of the two services does.
 */
@Public()
@Controller()
export class PublicInfoController {
  constructor(
    private readonly info: ServerInfoService,
    private readonly badges: StatusBadgeService,
  ) {}

  /** Argo CD's VersionService.Version. */
  @Get('api/version')
  version(@ValidQuery() _query: object, @Req() req: Request) {
    return this.info.version(loggedIn(req));
  }

  /** Argo CD's SettingsService.Get: the public subset of Argo CD's Settings. */
  @Get('api/v1/settings')
  settings(@ValidQuery() _query: object, @Req() req: Request) {
    return this.info.settings(loggedIn(req));
  }

  /**
   * Argo CD's status badge: an SVG image, never cached, fetchable from any origin. The headers are set once
   * the badge is drawn, so a refusal still answers as JSON.
   */
  @Get('api/badge')
  async badge(@Query() query: RawQuery, @Res({ passthrough: true }) res: Response) {
    const svg = await this.badges.badge(query);
    res.setHeader('Content-Type', 'image/svg+xml');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Access-Control-Allow-Origin', '*');
    return svg;
  }
}

/**
 * Whether the caller has a session, for the fields Argo CD shows only then (tool versions, the UI banner,
 * resource overrides): a valid token came along (AuthGuard reads it on public routes too). Anonymous
 * access, when enabled, does not count, as in Argo CD.
 */
function loggedIn(req: Request): boolean {
  const identity = identityOf(req);
  return identity !== undefined && identity.kind !== ANONYMOUS.kind;
}
