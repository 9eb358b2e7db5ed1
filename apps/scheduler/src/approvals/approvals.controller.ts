import { Body, Controller, Param, Post, Req } from '@nestjs/common';
import { Authorize, CurrentIdentity, type Identity } from '@berth/auth';
import type { Request } from 'express';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { requestActor } from '../http/request-actor';
import { APPROVE_REQUEST, REJECT_REQUEST, type ApprovalRequestBody } from './approval-requests.schema';
import { ApprovalsService } from './approvals.service';

/**
 * Berth's approvals of gated syncs (docs/approvals.md; Argo CD has none), beside Argo CD's operation
 * endpoints: `POST /api/v1/applications/:name/operation/approve` and `.../reject` with `{reason}`.
 */
@Controller('api/v1/applications')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Authorize('applications', 'approve', { application: 'name' })
  @Post(':name/operation/approve')
  approve(
    @Param('name') name: string,
    @Body(new JsonBody(APPROVE_REQUEST)) body: ApprovalRequestBody,
    @ValidQuery() _query: object,
    @CurrentIdentity() identity: Identity,
    @Req() req: Request,
  ) {
    return this.approvals.approve(name, body, identity, requestActor(req));
  }

  @Authorize('applications', 'approve', { application: 'name' })
  @Post(':name/operation/reject')
  reject(
    @Param('name') name: string,
    @Body(new JsonBody(REJECT_REQUEST)) body: ApprovalRequestBody & { reason: string },
    @ValidQuery() _query: object,
    @CurrentIdentity() identity: Identity,
    @Req() req: Request,
  ) {
    return this.approvals.reject(name, body, identity, requestActor(req));
  }
}
