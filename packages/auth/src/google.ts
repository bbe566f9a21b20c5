import {
  CodeChallengeMethod,
  decodeIdToken,
  generateCodeVerifier,
  generateState,
  OAuth2Client,
  type OAuth2Tokens,
} from 'arctic';

/**
 * Google as an OpenID Connect provider, through arctic's generic OAuth 2.0 client (so tests point
 * the endpoints at a local fake). The ID token comes straight from the token endpoint over TLS,
 * in exchange for a code and the PKCE verifier, so its signature is not checked again here; its
 * issuer, audience and expiry are.
 */
export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  /** Defaults: Google's own endpoints and issuer. */
  authorizeUrl: string;
  tokenUrl: string;
  /** The `iss` an ID token must carry; Google's tokens carry either form. */
  issuers: readonly string[];
}

export const GOOGLE_AUTHORIZE_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'] as const;

/** How long the state, verifier and browser binding of one sign-in live. */
export const GOOGLE_FLOW_LIFETIME_MS = 10 * 60 * 1000;
/** How long the central callback's hand-off waits for the tenant's host. */
export const GOOGLE_HANDOFF_LIFETIME_MS = 2 * 60 * 1000;

const SCOPES = ['openid', 'email', 'profile'];

export interface GoogleAuthorization {
  url: URL;
  state: string;
  codeVerifier: string;
}

/** A fresh state and PKCE verifier, and the authorize URL that carries the state and the S256 challenge. */
export function googleAuthorization(config: GoogleConfig, redirectUri: string): GoogleAuthorization {
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  const client = new OAuth2Client(config.clientId, config.clientSecret, redirectUri);
  const url = client.createAuthorizationURLWithPKCE(
    config.authorizeUrl,
    state,
    CodeChallengeMethod.S256,
    codeVerifier,
    SCOPES,
  );
  url.searchParams.set('prompt', 'select_account');
  return { url, state, codeVerifier };
}

/** What Google vouches for about the person, once the ID token's claims have been checked. */
export interface GoogleIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export class GoogleTokenInvalid extends Error {
  constructor(readonly reason: string) {
    super(`Google ID token refused: ${reason}`);
    this.name = 'GoogleTokenInvalid';
  }
}

/**
 * Checks an ID token's claims: issuer, audience (this client), expiry, a subject and an address.
 * `email_verified` is reported, not required: the caller refuses unverified addresses itself.
 */
export function identityFromIdToken(config: GoogleConfig, idToken: string, now: Date): GoogleIdentity {
  let claims: Record<string, unknown>;
  try {
    claims = decodeIdToken(idToken) as Record<string, unknown>;
  } catch {
    throw new GoogleTokenInvalid('not a JWT');
  }
  if (typeof claims.iss !== 'string' || !config.issuers.includes(claims.iss))
    throw new GoogleTokenInvalid('issuer');
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(config.clientId)) throw new GoogleTokenInvalid('audience');
  if (audiences.length > 1 && claims.azp !== config.clientId) throw new GoogleTokenInvalid('audience');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime())
    throw new GoogleTokenInvalid('expired');
  const { sub, email } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255)
    throw new GoogleTokenInvalid('subject');
  if (typeof email !== 'string' || email.length === 0 || email.length > 254 || !email.includes('@'))
    throw new GoogleTokenInvalid('email');
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  const name = typeof claims.name === 'string' ? claims.name.trim().slice(0, 200) : '';
  return { sub, email: email.trim().toLowerCase(), emailVerified: verified, name };
}

/** Exchanges the authorization code (with the PKCE verifier) and checks the ID token it brings. */
export async function exchangeGoogleCode(
  config: GoogleConfig,
  redirectUri: string,
  code: string,
  codeVerifier: string,
  now: Date,
): Promise<GoogleIdentity> {
  const client = new OAuth2Client(config.clientId, config.clientSecret, redirectUri);
  const tokens: OAuth2Tokens = await client.validateAuthorizationCode(config.tokenUrl, code, codeVerifier);
  let idToken: string;
  try {
    idToken = tokens.idToken();
  } catch {
    throw new GoogleTokenInvalid('no id_token');
  }
  return identityFromIdToken(config, idToken, now);
}
