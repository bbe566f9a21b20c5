import { BillingError } from './errors';

/**
 * The largest amount, in minor units, that an invoice, a line or a typed amount may reach:
 * 10^13 (ten thousand billion cents). It keeps every stored amount a safe integer in
 * JavaScript (2^53 ≈ 9 × 10^15) with room to add a few of them up.
 */
export const MAX_MINOR = 10_000_000_000_000;

/**
 * ISO 4217 minor units of every active code whose exponent is not 2, from the maintenance
 * agency's List One (SIX Group, `list-one.xml`, published 2026-01-01). Written out here rather
 * than read from Intl because ICU disagrees with ISO for a dozen currencies (it gives HUF, IDR,
 * IQD, COP and others the digits of their cash, not of the currency), and the screen, the PDF and
 * the database must agree.
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'.split(' ').map((c) => [c, 0]),
  ),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

/** The rest of List One (2026-01-01): the active codes with two decimals. */
const ACTIVE_TWO_DECIMALS: ReadonlySet<string> = new Set(
  (
    'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD ' +
    'CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
    'GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD ' +
    'LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB ' +
    'PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP ' +
    'SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XAD XCD XCG YER ZAR ZMW ZWG'
  ).split(' '),
);

/**
 * Codes ISO lists with no minor unit at all (gold, silver, bond-market units, drawing rights,
 * the testing and "no currency" codes): nothing one sends an invoice in.
 */
const NO_MINOR_UNIT: ReadonlySet<string> = new Set(
  'XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX'.split(' '),
);

/** Codes the running JavaScript engine knows, which adds recently withdrawn ones (HRK, BGN). */
const intlCurrencies: ReadonlySet<string> = new Set(
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : [],
);

/**
 * Whether `code` is a currency an invoice may be in: three upper-case letters, listed by ISO 4217
 * (List One) or known to Intl, and not one of the units with no minor unit (XAU, XDR, XXX…).
 */
export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code) || NO_MINOR_UNIT.has(code)) return false;
  return code in EXPONENTS || ACTIVE_TWO_DECIMALS.has(code) || intlCurrencies.has(code);
}

/**
 * The number of decimals of `code` by ISO 4217: 0 for JPY, 2 for GBP, 3 for KWD, 4 for CLF.
 * Throws `BillingError('invalid_currency')` for a code `isCurrency` refuses.
 */
export function currencyExponent(code: string): number {
  if (!isCurrency(code)) throw new BillingError('invalid_currency', `“${code}” isn’t a currency we know.`);
  return EXPONENTS[code] ?? 2;
}

/** Throws unless `minor` is a whole number of minor units within ±MAX_MINOR. */
function assertMinor(minor: number, what = 'The amount'): void {
  if (!Number.isSafeInteger(minor))
    throw new BillingError('invalid_amount', `${what} must be a whole number of minor units.`);
  if (Math.abs(minor) > MAX_MINOR) throw new BillingError('too_large', `${what} is too large.`);
}

/**
 * Minor units as an exact decimal string ("-1234.50" for -123450 at exponent 2), so formatting
 * never passes money through a binary float.
 */
export function minorToDecimal(minor: number, code: string): string {
  const exponent = currencyExponent(code);
  assertMinor(minor);
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * An amount for people to read, such as "£1,234.50", "JP¥1,235" or "KWD 1.250", in `locale`
 * (en-GB unless told). The number of decimals is always the currency's ISO exponent, whatever
 * the engine's own currency data says.
 */
export function formatMoney(minor: number, code: string, locale = 'en-GB'): string {
  // Intl reads a string as an exact decimal (Node 20, current browsers), so no float is involved.
  return moneyFormat(code, locale).format(minorToDecimal(minor, code) as Intl.StringNumericLiteral);
}

/** Building an Intl.NumberFormat costs far more than using one: each locale and currency's is kept. */
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(code: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${code}`;
  let format = moneyFormats.get(key);
  if (!format) {
    const exponent = currencyExponent(code);
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: code,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Options for `parseMoney`. */
export interface ParseMoneyOptions {
  /** Accept a leading minus sign (a credit or an adjustment). Off by default. */
  allowNegative?: boolean;
}

/** How Intl writes the currency before an en-GB amount ("£", "US$", "KWD"). */
function currencySign(code: string): string {
  const parts = new Intl.NumberFormat('en-GB', { style: 'currency', currency: code }).formatToParts(0);
  return parts.find((part) => part.type === 'currency')?.value ?? code;
}

// Digits with optional thousands groups ("1,234,567" or "1 234 567", one kind per amount), then
// optionally "." and decimals. A comma is never a decimal mark: "1 234,50" is refused rather
// than misread as 123,450.
const AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.(\d+))?$/;

/**
 * Minor units from what a person typed, for currency `code`. Accepts "1234.5", "1,234.50",
 * "1 234.50", and what `formatMoney` writes in en-GB ("£1,234.50", "KWD 1,234.500"); the decimal
 * mark is always "."; "," and spaces only group thousands. Refuses more decimals than the
 * currency has, a minus sign unless `allowNegative`, anything else, and amounts over MAX_MINOR.
 * Throws `BillingError('invalid_amount' | 'too_large' | 'invalid_currency')`.
 */
export function parseMoney(text: string, code: string, options: ParseMoneyOptions = {}): number {
  const exponent = currencyExponent(code);
  // Intl puts a no-break space between a code and the digits; people paste narrow ones too.
  let rest = text.replace(/[\u00a0\u202f\u2009]/g, ' ').trim();
  const negative = rest.startsWith('-');
  if (negative) rest = rest.slice(1);
  for (const sign of [currencySign(code), code]) {
    if (rest.startsWith(sign)) {
      rest = rest.slice(sign.length).trimStart();
      break;
    }
  }
  if (negative && !options.allowNegative)
    throw new BillingError('invalid_amount', 'Enter an amount of zero or more.');
  const match = AMOUNT.exec(rest);
  if (!match) throw new BillingError('invalid_amount', 'Enter an amount such as 1,234.50.');
  const whole = (match[1] ?? '').replace(/[, ]/g, '');
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    throw new BillingError(
      'invalid_amount',
      exponent === 0
        ? `${code} amounts have no decimals.`
        : `${code} amounts have at most ${exponent} decimals.`,
    );
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  if (minor > BigInt(MAX_MINOR)) throw new BillingError('too_large', 'That amount is too large.');
  const value = Number(minor);
  return negative && value !== 0 ? -value : value;
}
