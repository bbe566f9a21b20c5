import { SLUG } from '@foyer/names';
import { z } from 'zod';
import { HEX_COLOR } from '../branding/contrast';
import { THEMES } from '../branding/types';

const person = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  /** Demo password: stored only as its argon2id hash. */
  password: z.string().min(12).max(128),
});

const text = (max: number) => z.string().trim().min(1).max(max);

/** `tenants/<slug>/tenant.json`: one demo agency, declared. */
export const tenantManifest = z.object({
  slug: z.string().regex(SLUG, 'lower-case letters, digits and dashes, 3 to 40 characters'),
  name: text(120),
  brand: z.object({
    displayName: text(120).optional(),
    primaryColor: z.string().regex(HEX_COLOR, 'must be #rrggbb'),
    accentColor: z.string().regex(HEX_COLOR, 'must be #rrggbb'),
    theme: z.enum(THEMES),
    /** File beside tenant.json: PNG, JPEG or WebP. */
    logo: z
      .string()
      .regex(/^[\w.-]+\.(png|jpe?g|webp)$/i)
      .optional(),
    welcomeText: text(500).optional(),
  }),
  contact: z
    .object({
      email: z.email().optional(),
      phone: text(40).optional(),
      website: z.url({ protocol: /^https?$/ }).optional(),
      address: text(300).optional(),
    })
    .default({}),
  admin: person,
  client: z.object({
    name: text(200),
    contact: person,
  }),
  project: z.object({
    name: text(200),
    description: text(2000).optional(),
    tasks: z
      .array(
        z.object({
          title: text(300),
          status: z.enum(['todo', 'in_progress', 'review', 'done']).default('todo'),
          clientVisible: z.boolean().default(false),
        }),
      )
      .default([]),
  }),
});

export type TenantManifest = z.infer<typeof tenantManifest>;
