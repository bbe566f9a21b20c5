import type { BrandContact, Branding } from '@foyer/core';

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

// core validates colours on write; checking again keeps a bad row from injecting CSS here.
function colour(value: string, fallback: string): string {
  return HEX_COLOUR.test(value) ? value : fallback;
}

/** The one place tenant colours enter the page; everything else reads the custom properties. */
export function brandStyle(branding: Branding): string {
  return [
    `--brand-primary: ${colour(branding.primaryColor, '#4f46e5')}`,
    `--brand-on-primary: ${colour(branding.onPrimaryColor, '#ffffff')}`,
    `--brand-accent: ${colour(branding.accentColor, '#0ea5e9')}`,
    `--brand-on-accent: ${colour(branding.onAccentColor, '#000000')}`,
  ].join('; ');
}

export interface ContactLink {
  label: string;
  text: string;
  href: string | null;
}

function websiteHref(website: string): string | null {
  // Agencies often type "northwind.example" without a scheme.
  const candidate = /^[a-z][a-z\d+.-]*:/i.test(website) ? website : `https://${website}`;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function websiteText(href: string): string {
  const url = new URL(href);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.host.replace(/^www\./, '')}${path}`;
}

/** Contact lines to show, each only if the agency filled it in; links only for safe schemes. */
export function contactLinks(contact: BrandContact): ContactLink[] {
  const links: ContactLink[] = [];
  if (contact.email) {
    links.push({ label: 'Email', text: contact.email, href: `mailto:${contact.email}` });
  }
  if (contact.phone) {
    const dial = contact.phone.replace(/[^\d+]/g, '');
    links.push({ label: 'Phone', text: contact.phone, href: dial === '' ? null : `tel:${dial}` });
  }
  if (contact.website) {
    const href = websiteHref(contact.website);
    links.push({ label: 'Website', text: href ? websiteText(href) : contact.website, href });
  }
  return links;
}
