// The selector syntax lives in the domain, shared with the sandbox API server.
export {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
  type LabelRequirement,
} from '@berth/domain';
