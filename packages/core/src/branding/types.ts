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
  welcomeText: string | null;
  contact: BrandContact;
}
