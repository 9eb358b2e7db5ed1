import { tokenSeconds } from '../accounts/account-requests.schema';
import { bodySchema } from '../http/request-pipes';
import { requestObject, text } from '../http/request-checks';

/** Argo CD's ProjectTokenCreateRequest (server/project/project.proto); project and role come from the URL. */
export interface ProjectTokenRequest {
  project?: string;
  role?: string;
  description?: string;
  /** Seconds, as a number or a decimal string; 0 or absent: never expires. */
  expiresIn?: number | string;
  id?: string;
}

const NAME = { maxLength: 253, pattern: /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, fix: 'the name in the URL' };

export const PROJECT_TOKEN_REQUEST = bodySchema<ProjectTokenRequest>(
  'ProjectTokenCreateRequest',
  requestObject({
    fields: {
      project: text(NAME),
      role: text({
        maxLength: 253,
        pattern: /^([a-zA-Z0-9]([-_a-zA-Z0-9]*[a-zA-Z0-9])?)?$/,
        fix: 'the role in the URL',
      }),
      description: text({ maxLength: 1024 }),
      expiresIn: tokenSeconds,
      id: text({ maxLength: 253, pattern: /^[\x21-\x7e]+$/, fix: 'use printable characters without spaces' }),
    },
  }),
);
