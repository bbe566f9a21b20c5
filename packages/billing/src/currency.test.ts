import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BillingError,
  currencyExponent,
  formatMoney,
  formatQuantity,
  isCurrency,
  MAX_MINOR,
  MAX_QUANTITY_MILLI,
  minorToDecimal,
  parseMoney,
  parseQuantity,
} from './index';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof BillingError) return error.code;
    throw error;
  }
  return 'no error';
};

describe('currencyExponent', () => {
  it.each([
    ...'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'
      .split(' ')
      .map((c) => [c, 0] as const),
    ...'BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3] as const),
    ['CLF', 4],
    ['UYW', 4],
    ['GBP', 2],
    ['EUR', 2],
    ['USD', 2],
    // ICU gives these the digits of their cash; ISO gives the currency two.
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
    ['XCG', 2],
    ['XAD', 2],
  ] as const)('%s has %i decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('refuses what is not a currency', () => {
    for (const code of ['', 'gbp', 'GB', 'GBPP', 'ZZZ', 'XAU', 'XXX', 'XTS', 'XDR', ' GBP']) {
      expect(isCurrency(code), code).toBe(false);
      expect(
        codeOf(() => currencyExponent(code)),
        code,
      ).toBe('invalid_currency');
    }
  });

  it('knows every code Intl knows that has a minor unit, including recently withdrawn ones', () => {
    const known = Intl.supportedValuesOf('currency').filter((code) => !['XDR', 'XSU'].includes(code));
    expect(known.length).toBeGreaterThan(150);
    for (const code of known) expect(isCurrency(code), code).toBe(true);
    expect(isCurrency('HRK')).toBe(true);
    // Active ISO codes that Node 20's ICU does not list.
    for (const code of ['BOV', 'CHE', 'CHW', 'COU', 'MXV', 'USN', 'VED', 'XAD', 'UYI', 'UYW', 'CLF']) {
      expect(isCurrency(code), code).toBe(true);
    }
  });
});

describe('formatMoney', () => {
  it.each([
    [123450, 'GBP', '£1,234.50'],
    [-150, 'GBP', '-£1.50'],
    [0, 'GBP', '£0.00'],
    [5, 'USD', 'US$0.05'],
    [1235, 'JPY', 'JP¥1,235'],
    [1250, 'KWD', 'KWD\u00a01.250'],
    [123456, 'HUF', 'HUF\u00a01,234.56'],
    [10000, 'CLF', 'CLF\u00a01.0000'],
    [MAX_MINOR, 'GBP', '£100,000,000,000.00'],
  ])('%i %s → %s', (minor, code, text) => {
    expect(formatMoney(minor, code)).toBe(text);
  });

  it('writes other locales with the ISO decimals', () => {
    expect(formatMoney(123450, 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatMoney(123456, 'HUF', 'hu-HU')).toBe('1234,56\u00a0Ft');
  });

  it('refuses amounts that are not whole minor units or too large', () => {
    expect(codeOf(() => formatMoney(1.5, 'GBP'))).toBe('invalid_amount');
    expect(codeOf(() => formatMoney(Number.NaN, 'GBP'))).toBe('invalid_amount');
    expect(codeOf(() => formatMoney(MAX_MINOR + 1, 'GBP'))).toBe('too_large');
    expect(codeOf(() => formatMoney(1, 'ABC'))).toBe('invalid_currency');
  });

  it('writes exact decimals', () => {
    expect(minorToDecimal(5, 'KWD')).toBe('0.005');
    expect(minorToDecimal(-123450, 'GBP')).toBe('-1234.50');
    expect(minorToDecimal(1235, 'JPY')).toBe('1235');
    expect(minorToDecimal(MAX_MINOR - 1, 'GBP')).toBe('99999999999.99');
  });
});

describe('parseMoney', () => {
  it.each([
    ['1,234.50', 'GBP', 123450],
    ['1234.5', 'GBP', 123450],
    ['1 234.50', 'GBP', 123450],
    ['  12 ', 'GBP', 1200],
    ['0', 'GBP', 0],
    ['0.01', 'GBP', 1],
    ['£1,234.50', 'GBP', 123450],
    ['GBP 7', 'GBP', 700],
    ['US$5', 'USD', 500],
    ['KWD\u00a01.250', 'KWD', 1250],
    ['1.234', 'KWD', 1234],
    ['1,235', 'JPY', 1235],
    ['100000000000.00', 'GBP', MAX_MINOR],
  ] as const)('%s %s → %i', (text, code, minor) => {
    expect(parseMoney(text, code)).toBe(minor);
  });

  it.each([
    ['', 'GBP'],
    ['abc', 'GBP'],
    ['NaN', 'GBP'],
    ['Infinity', 'GBP'],
    ['1e5', 'GBP'],
    ['0x10', 'GBP'],
    ['1 234,50', 'GBP'],
    ['1,23.00', 'GBP'],
    ['1,234 567', 'GBP'],
    ['12.', 'GBP'],
    ['.5', 'GBP'],
    ['12.345', 'GBP'],
    ['1.5', 'JPY'],
    ['1.2345', 'KWD'],
    ['€5', 'GBP'],
    ['+5', 'GBP'],
  ] as const)('refuses %j in %s', (text, code) => {
    expect(codeOf(() => parseMoney(text, code))).toBe('invalid_amount');
  });

  it('refuses negatives unless asked to accept them', () => {
    expect(codeOf(() => parseMoney('-5', 'GBP'))).toBe('invalid_amount');
    expect(parseMoney('-5', 'GBP', { allowNegative: true })).toBe(-500);
    expect(parseMoney('-£1.50', 'GBP', { allowNegative: true })).toBe(-150);
    expect(parseMoney('-0', 'GBP', { allowNegative: true })).toBe(0);
  });

  it('refuses more than MAX_MINOR', () => {
    expect(codeOf(() => parseMoney('100000000000.01', 'GBP'))).toBe('too_large');
    expect(codeOf(() => parseMoney('9'.repeat(40), 'JPY'))).toBe('too_large');
  });

  it.each(['JPY', 'USD', 'KWD', 'CLF'])('reads back what formatMoney wrote in %s', (code) => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MINOR, max: MAX_MINOR }), (minor) => {
        expect(parseMoney(formatMoney(minor, code), code, { allowNegative: true })).toBe(minor);
        expect(parseMoney(minorToDecimal(minor, code), code, { allowNegative: true })).toBe(minor);
      }),
      { numRuns: 500 },
    );
  });
});

describe('quantities', () => {
  it.each([
    ['1.5', 1500],
    ['0.25', 250],
    ['2', 2000],
    ['0', 0],
    ['0.001', 1],
    ['1,000.125', 1_000_125],
    [' 3 ', 3000],
  ] as const)('%s → %i thousandths', (text, milli) => {
    expect(parseQuantity(text)).toBe(milli);
  });

  it.each(['', '-1', '1.2345', '.5', '1.', 'one', '1e3', 'NaN', '1 000', '1,00'])('refuses %j', (text) => {
    expect(codeOf(() => parseQuantity(text))).toBe('invalid_quantity');
  });

  it('refuses a quantity over the limit', () => {
    expect(codeOf(() => parseQuantity('1000000001'))).toBe('invalid_quantity');
    expect(codeOf(() => formatQuantity(-1))).toBe('invalid_quantity');
    expect(codeOf(() => formatQuantity(0.5))).toBe('invalid_quantity');
  });

  it.each([
    [1500, '1.5'],
    [2000, '2'],
    [250, '0.25'],
    [1, '0.001'],
    [1_234_500, '1,234.5'],
  ])('%i thousandths → %s', (milli, text) => {
    expect(formatQuantity(milli)).toBe(text);
  });

  it('reads back what formatQuantity wrote', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_QUANTITY_MILLI }), (milli) => {
        expect(parseQuantity(formatQuantity(milli))).toBe(milli);
      }),
      { numRuns: 500 },
    );
  });
});
