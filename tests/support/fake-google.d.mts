export interface FakeGoogleIdentity {
  sub: string;
  email: string;
  name?: string;
  /** Defaults to true. */
  email_verified?: boolean;
  /** Claims to put in the ID token over the defaults (iss, aud, exp, …). */
  claims?: Record<string, unknown>;
}

export interface FakeGoogle {
  url: string;
  port: number;
  authorizeUrl: string;
  tokenUrl: string;
  issuer: string;
  clientSecret: string;
  tokenRequests: Array<{ ok: boolean; error?: string }>;
  /** Listed on the "choose an account" page. */
  addAccount(identity: FakeGoogleIdentity): void;
  /** The next authorization is approved as this identity, without a page. */
  approveNext(identity: FakeGoogleIdentity): void;
  close(): Promise<void>;
}

export function startFakeGoogle(options: {
  port?: number;
  clientId: string;
  clientSecret: string;
  issuer?: string;
  redirectUris?: string[];
}): Promise<FakeGoogle>;
