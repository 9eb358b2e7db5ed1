import { DomainError, ValidationFailedError } from '@berth/domain';
import { formatYamlSyntaxIssue, parseApplicationDocument } from '@berth/infra';
import { unsafeValueIssues } from './storable-value';

/**
 * The one document of a create or update body (YAML or JSON) for `kind` (`Application`, `AppProject`,
 * `ApplicationSet`): parsed, exactly one, and holding nothing that cannot be stored (control characters,
 * lone surrogates). Anything else is a 400 that says what to send.
 */
export function requestDocumentOf(body: string, kind: string): unknown {
  const parsed = parseApplicationDocument(body);
  if (!parsed.ok)
    throw new DomainError(
      'Invalid',
      `the request body is not valid YAML or JSON: ${parsed.errors.map(formatYamlSyntaxIssue).join('; ')}`,
    );
  if (parsed.documents.length !== 1)
    throw new DomainError(
      'Invalid',
      `the request body holds ${parsed.documents.length} documents; send exactly one ${kind} per request`,
    );
  const value = parsed.documents[0]!.value;
  const unsafe = unsafeValueIssues(value);
  if (unsafe.length > 0) throw new ValidationFailedError(kind, undefined, unsafe);
  return value;
}
