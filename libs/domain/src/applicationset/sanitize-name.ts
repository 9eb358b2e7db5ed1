/**
 * Argo CD's `utils.SanitizeName` (the `*Normalized` parameters and the Go template function
 * `normalize`): lowercase, anything but `a-z0-9-.` replaced by "-", at most 253 characters,
 * without leading or trailing "-" and ".".
 */
export function sanitizeName(name: string): string {
  let out = name.toLowerCase().replace(/[^-a-z0-9.]/g, '-');
  if (out.length > 253) out = out.slice(0, 253);
  return out.replace(/^[-.]+|[-.]+$/g, '');
}
