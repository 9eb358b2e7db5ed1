export { OutboundPolicy, METADATA_HOSTS } from './outbound-policy';
export { OutboundGuard, OutboundRefusedError, hostOf } from './outbound-guard';
export type { ResolveAll } from './outbound-guard';
