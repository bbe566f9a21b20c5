export type { CookieAttributes, CookieJar, FoyerCookie, Scheme } from './cookies';
export {
  clearCookie,
  clearCookieHeader,
  cookieAttributes,
  cookieName,
  DEVICE_COOKIE_LIFETIME_MS,
  PREVIEW_COOKIE_LIFETIME_MS,
  readCookie,
  setCookie,
  setCookieHeader,
} from './cookies';
export {
  exchangeGoogleCode,
  GOOGLE_AUTHORIZE_URL,
  GOOGLE_FLOW_LIFETIME_MS,
  GOOGLE_HANDOFF_LIFETIME_MS,
  GOOGLE_ISSUERS,
  GOOGLE_TOKEN_URL,
  type GoogleAuthorization,
  type GoogleConfig,
  type GoogleIdentity,
  GoogleTokenInvalid,
  googleAuthorization,
  identityFromIdToken,
} from './google';
export {
  ARGON2,
  burnPasswordCheck,
  hashLikeStored,
  hashPassword,
  needsRehash,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
  verifyPassword,
} from './passwords';
export { createSecretBox, deriveKey, generateSecretKey, parseSecretKey, type SecretBox } from './secrets';
export {
  EMAIL_CHANGE_LIFETIME_MS,
  EMAIL_VERIFY_LIFETIME_MS,
  HANDOFF_LIFETIME_MS,
  INVITATION_LIFETIME_MS,
  isExpired,
  needsTouch,
  RESET_LIFETIME_MS,
  renewal,
  SESSION_LIFETIME_MS,
  SESSION_RENEW_BELOW_MS,
  sessionExpiry,
} from './sessions';
export { generateToken, hashToken, looksLikeToken, TOKEN_BYTES } from './tokens';
export {
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  matchTotp,
  normaliseCode,
  qrSvg,
  RECOVERY_CODE_COUNT,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
  totpCode,
  totpStep,
  totpUri,
} from './totp';
