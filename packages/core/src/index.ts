export type { BrandContact, Branding, Theme } from './branding/types';
export { THEMES } from './branding/types';
export type { RequestPlatform, TenantStatus, TenantSummary } from './site';
