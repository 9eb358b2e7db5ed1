import { bodySchema } from '../http/request-pipes';
import { requestObject, text } from '../http/request-checks';

/** Body of `POST /api/v1/applications/:name/operation/approve` and `.../reject`. */
export interface ApprovalRequestBody {
  /** Why: recorded with the approval or rejection (the audit log's reason). */
  reason?: string;
  /** The operation the person looked at: refused (409) if another one is open now. */
  operationId?: string;
}

const REASON = text({ maxLength: 1024 });
const OPERATION_ID = text({ maxLength: 64 });

export const APPROVE_REQUEST = bodySchema<ApprovalRequestBody>(
  'Approval',
  requestObject({ fields: { reason: REASON, operationId: OPERATION_ID } }),
);

export const REJECT_REQUEST = bodySchema<ApprovalRequestBody & { reason: string }>(
  'Rejection',
  requestObject({
    fields: { reason: REASON, operationId: OPERATION_ID },
    required: { reason: 'say why the sync is rejected: the requester and the audit log read it' },
  }),
);
