/**
 * A `Warning` response header value as the API server writes it (RFC 7234 warn-code 299, agent `-`, the text
 * quoted with `"` and `\` escaped); client-go hands the text to kubectl, which prints `Warning: <text>`.
 */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
