import {
  type BrandingFields,
  getBrandingSettings,
  LOGO_MAX_BYTES,
  removeFavicon,
  removeLogo,
  saveBranding,
  uploadFavicon,
  uploadLogo,
} from '@foyer/core';
import type { Confirmation } from '$lib/confirm';
import { coreErrorToFail, fieldFailure } from '$lib/server/errors';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { removeFaviconQuestion, removeLogoQuestion } from './confirm-remove';

const FIELDS = [
  'displayName',
  'primaryColor',
  'accentColor',
  'theme',
  'loginBackground',
  'welcomeText',
  'portalWelcome',
  'contactEmail',
  'contactPhone',
  'website',
  'address',
  'documentBusinessName',
  'documentAddress',
  'documentTaxId',
  'documentPaymentTerms',
] as const satisfies readonly (keyof BrandingFields)[];

function readFields(form: FormData): BrandingFields {
  const input = {} as BrandingFields;
  for (const name of FIELDS) input[name] = field(form, name);
  return input;
}

export const load: PageServerLoad = async ({ locals }) => {
  return { settings: await getBrandingSettings({ ctx: locals.ctx }) };
};

/** Reads one uploaded image; too large is refused before its bytes are read. */
async function upload(event: RequestEvent, name: 'logo' | 'favicon') {
  const form = await readForm(event.request);
  const file = form.get(name);
  if (!(file instanceof File) || file.size === 0) {
    return { error: fieldFailure({ [name]: 'Choose an image file.' }, {}) };
  }
  if (file.size > LOGO_MAX_BYTES) {
    return {
      error: fieldFailure(
        { [name]: 'This image is larger than 2 MB. Upload a smaller PNG, JPEG or WebP.' },
        {},
      ),
    };
  }
  return { file: { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name } };
}

export const actions: Actions = {
  save: async (event) => {
    const { ctx } = event.locals;
    const input = readFields(await readForm(event.request));
    try {
      const saved = await saveBranding({ ctx, input });
      return {
        notice: 'Branding saved. Your portal, emails and documents use it from now on.',
        warnings: saved.warnings,
      };
    } catch (error) {
      return coreErrorToFail(error, { values: input });
    }
  },
  logo: async (event) => {
    const { ctx } = event.locals;
    const got = await upload(event, 'logo');
    if ('error' in got) return got.error;
    try {
      await uploadLogo({ ctx, input: got.file });
    } catch (error) {
      return coreErrorToFail(error, {});
    }
    return { notice: 'Logo uploaded.' };
  },
  removeLogo: async (event) => {
    const { ctx } = event.locals;
    // Without JS the first post asks; with it, the dialog has asked already.
    if (!isConfirmed(await readForm(event.request))) {
      return {
        confirm: { action: '?/removeLogo', fields: {}, ...removeLogoQuestion } satisfies Confirmation,
      };
    }
    try {
      await removeLogo({ ctx });
    } catch (error) {
      return coreErrorToFail(error, {});
    }
    return { notice: 'Logo removed. Your initials show in its place.' };
  },
  favicon: async (event) => {
    const { ctx } = event.locals;
    const got = await upload(event, 'favicon');
    if ('error' in got) return got.error;
    try {
      await uploadFavicon({ ctx, input: got.file });
    } catch (error) {
      return coreErrorToFail(error, {});
    }
    return { notice: 'Favicon uploaded.' };
  },
  removeFavicon: async (event) => {
    const { ctx } = event.locals;
    if (!isConfirmed(await readForm(event.request))) {
      const { logoUrl } = await getBrandingSettings({ ctx });
      return {
        confirm: {
          action: '?/removeFavicon',
          fields: {},
          ...removeFaviconQuestion(logoUrl !== null),
        } satisfies Confirmation,
      };
    }
    try {
      await removeFavicon({ ctx });
    } catch (error) {
      return coreErrorToFail(error, {});
    }
    return { notice: 'Favicon removed.' };
  },
};
