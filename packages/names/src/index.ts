// The names Foyer accepts, each rule written once: hostnames and workspace addresses (slugs).
export { HOSTNAME_MAX_LENGTH, isWithin, normaliseHostname, splitHostHeader } from './hostname';
export { normaliseSlug, RESERVED_SLUGS, SLUG, SLUG_PATTERN, slugProblem } from './slug';
