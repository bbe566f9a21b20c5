export type { Account, AccountSession } from './account/account';
export {
  changePassword,
  confirmEmailChange,
  endSessions,
  getAccount,
  listSessions,
  requestEmailChange,
  updateName,
} from './account/account';
export { requestPasswordReset, resetPassword } from './auth/reset';
export type { ResolvedSession, SignedInUser } from './auth/sessions';
export {
  actorFor,
  closeSession,
  openSession,
  redeemHandoff,
  resolveSession,
  SIGN_IN_LIMITS,
  signIn,
} from './auth/sessions';
export type { SignUpInput } from './auth/sign-up';
export { checkSlug, signUp } from './auth/sign-up';
export { RESERVED_SLUGS, slugProblem } from './auth/validation';
export { AA_NORMAL, contrastRatio, isHexColor, relativeLuminance, textColorOn } from './branding/contrast';
export { brandingFromStored, initialsOf, logoPath, platformBranding } from './branding/resolve';
export type { BrandContact, Branding, Theme } from './branding/types';
export { THEMES } from './branding/types';
export type { ClientInfo, CoreContext, TenantSite } from './context';
export type { CoreErrorCode } from './errors';
export { CoreError, sqlState } from './errors';
export type { OperatorTenant, SignedInOperator } from './operator/operator';
export { listTenants, resolveOperator, signInOperator, signOutOperator } from './operator/operator';
export type { RequestPlatform, TenantStatus, TenantSummary } from './site';
export type { PendingInvitation, TeamMember, TeamRole } from './team/members';
export {
  acceptInvitation,
  changeRole,
  endMemberSessions,
  invitationForToken,
  inviteMember,
  listTeam,
  revokeInvitation,
  setMemberActive,
} from './team/members';
export type { ApplyResult, LogoFile } from './tenants/apply';
export { applyTenant, sniffImage } from './tenants/apply';
export { DEFAULT_BOARD, ensureBoard } from './tenants/board';
export type { TenantDeclaration } from './tenants/load';
export { loadTenantDeclarations } from './tenants/load';
export type { TenantManifest } from './tenants/manifest';
export { tenantManifest } from './tenants/manifest';
