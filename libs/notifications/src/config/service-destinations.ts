import type { ServiceConfig } from './notifications-config.types';

/**
 * The hosts (`host[:port]`, lower case) a service sends its requests, and so its credentials, to: Slack's
 * `apiURL` with a token, else its incoming `webhookURL`; a DingTalk robot's URL; a webhook's `url` (a
 * template's `path` is appended after a `/`, so it cannot change the host).
 */
export function serviceDestinations(service: ServiceConfig): string[] {
  const urls =
    service.type === 'slack'
      ? [service.token ? service.apiURL : service.webhookURL]
      : service.type === 'dingtalk'
        ? [service.webhookURL]
        : [service.url];
  const hosts = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      hosts.add(new URL(url).host.toLowerCase());
    } catch {
      // the parser refused it already
    }
  }
  return [...hosts];
}
