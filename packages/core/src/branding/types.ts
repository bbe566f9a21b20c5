export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

export interface BrandContact {
  email: string | null;
  phone: string | null;
  website: string | null;
  address: string | null;
}

/** What every page and email needs to look like the agency (or, on the platform host, like Foyer). */
export interface Branding {
  displayName: string;
  /** Two letters shown when there is no logo. */
  initials: string;
  primaryColor: string;
  /** Black or white, whichever reaches WCAG AA contrast on `primaryColor` (or comes closer). */
  onPrimaryColor: string;
  accentColor: string;
  onAccentColor: string;
  theme: Theme;
  /** Same-origin URL of the logo, or null to show initials. */
  logoUrl: string | null;
  /** Same-origin URL of the favicon (a 64×64 PNG), or null for none. */
  faviconUrl: string | null;
  welcomeText: string | null;
  /**
   * The portal's first-sign-in welcome for clients, or null for the default. Clients cannot read
   * the branding table: it reaches them through the host lookup, like the rest of this.
   */
  portalWelcome: string | null;
  /** Background colour of the sign-in pages (`#rrggbb`), or null for the theme's own. */
  loginBackground: string | null;
  contact: BrandContact;
  /** How invoices and other documents name the agency. */
  document: DocumentBranding;
}

export interface DocumentBranding {
  /** The business name on documents; the display name when not set. */
  businessName: string;
  address: string | null;
  taxId: string | null;
  paymentTerms: string | null;
}
