import { DomainError } from '../errors/domain-error';
import { formatIssue, type Issue } from './validation-issue';

/**
 * An Application or AppProject that failed validation: a DomainError with code `Invalid` (so the API
 * answers 400). The message lists every problem, one per line, each naming the field and how to fix it.
 */
export class ValidationFailedError extends DomainError {
  constructor(
    readonly kind: string,
    readonly objectName: string | undefined,
    readonly issues: readonly Issue[],
  ) {
    const subject = objectName === undefined ? kind : `${kind} ${JSON.stringify(objectName)}`;
    const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    super(
      'Invalid',
      `${subject} is invalid (${count}):\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
      {
        kind,
        name: objectName,
        issues,
      },
    );
  }
}
