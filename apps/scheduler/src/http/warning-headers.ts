import type { Response } from 'express';

/**
 * Warnings travel beside the answer, which stays the object Argo CD answers with: one `Warning` header each,
 * the way the Kubernetes API server sends them (`299 - "<text>"`; kubectl prints them). Header values are
 * ASCII: anything else becomes `?`, quotes and backslashes are escaped.
 */
export function appendWarningHeaders(res: Response, warnings: readonly string[]): void {
  for (const warning of warnings) {
    const text = warning.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&');
    res.append('Warning', `299 - "${text}"`);
  }
}

/** Berth's id of the operation a sync or rollback started (also the Application's `operation.operationId`). */
export const OPERATION_ID_HEADER = 'X-Berth-Operation-Id';
