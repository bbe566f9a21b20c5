import { financialOverview, getInvoiceSettings, listInvoices } from '@foyer/core';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { ctx } = locals;
  const [overview, settings] = await Promise.all([financialOverview({ ctx }), getInvoiceSettings({ ctx })]);
  const { currencies } = overview;
  // One currency at a time, never converted: the one asked for, else the agency's default, else
  // the first. An unknown `?currency=` shows the default rather than an error.
  const asked = url.searchParams.get('currency')?.toUpperCase() ?? '';
  const currency =
    [asked, settings.defaultCurrency].find((code) => currencies.includes(code)) ?? currencies[0];
  const figures = overview.byCurrency.find((entry) => entry.currency === currency) ?? null;
  // Nothing owed and nothing received in a year can also mean every invoice was settled long
  // ago: only an agency that has issued none is told to send its first.
  const issuedAny = figures !== null || (await anyIssued(ctx));
  return { currencies, figures, issuedAny };
};

async function anyIssued(ctx: App.Locals['ctx']): Promise<boolean> {
  const [all, drafts] = await Promise.all([
    listInvoices({ ctx, input: {} }),
    listInvoices({ ctx, input: { status: 'draft' } }),
  ]);
  return all.total > drafts.total;
}
