import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailBrand } from './brand';
import { compileBody, runTemplate } from './engine';
import { checkTemplate, MAX_BLOCK_DEPTH, renderEmail, sanitizeBody } from './index';

const brand: EmailBrand = {
  name: 'Northwind Studio',
  origin: 'https://studio.example.com',
  logoUrl: null,
  primaryColor: '#7c3aed',
  onPrimaryColor: '#ffffff',
  accentColor: '#6d28d9',
  address: null,
  contactEmail: null,
  website: null,
};
const recipient = { name: 'Ada', email: 'ada@client.example' };
const body = (source: string) => checkTemplate({ subject: 'Hello', body: source });
const subject = (source: string) => checkTemplate({ subject: source, body: '<p>Hi</p>' });

/**
 * Public Handlebars template-injection payloads: the 2019 RCE chain through `lookup` and
 * `String.prototype.sub`, the 2019 prototype-pollution chain (CVE-2019-19919 and its
 * variants), direct `constructor`/`__proto__` walks, and the helperMissing /
 * blockHelperMissing calls fixed in 4.6.0.
 */
const PAYLOADS: Record<string, string> = {
  'rce-lookup-sub-2019': `{{#with "s" as |string|}}
  {{#with "e"}}
    {{#with split as |conslist|}}
      {{this.pop}}
      {{this.push (lookup string.sub "constructor")}}
      {{this.pop}}
      {{#with string.split as |codelist|}}
        {{this.pop}}
        {{this.push "return process.mainModule.require('child_process').execSync('id');"}}
        {{this.pop}}
        {{#each conslist}}
          {{#with (string.sub.apply 0 codelist)}}
            {{this}}
          {{/with}}
        {{/each}}
      {{/with}}
    {{/with}}
  {{/with}}
{{/with}}`,
  'prototype-pollution-2019': `{{#with "constructor"}}{{#with split as |a|}}{{pop (push "alert('Vulnerable Handlebars JS');")}}{{#with (concat (lookup join (slice 0 1)))}}{{#each (slice 2 3)}}{{#with (apply 0 a)}}{{.}}{{/with}}{{/each}}{{/with}}{{/with}}{{/with}}`,
  'constructor-call': '{{constructor.constructor "return process"}}',
  'constructor-with-split': '{{#with "constructor"}}{{#with split as |a|}}{{a}}{{/with}}{{/with}}',
  'proto-read': '{{__proto__}}',
  'this-constructor-prototype': '{{this.constructor.prototype}}',
  'with-proto': '{{#with __proto__}}{{polluted}}{{toString}}{{/with}}',
  'root-constructor-name': '{{@root.constructor.name}}',
  'bracket-constructor': '{{this.[constructor]}}{{[__proto__]}}',
  'define-getter': '{{#with this as |o|}}{{o.__defineGetter__}}{{o.__lookupGetter__}}{{/with}}',
  'each-constructor': '{{#each this.constructor}}{{@key}}={{this}};{{/each}}',
  'lookup-constructor': '{{#with (lookup this "constructor")}}{{name}}{{/with}}',
  'helper-missing-direct': '{{helperMissing "constructor"}}',
  'block-helper-missing-direct': '{{#blockHelperMissing "constructor"}}{{/blockHelperMissing}}',
  'log-helper': '{{log "x"}}',
  'string-methods': '{{#with "s" as |s|}}{{s.sub}}{{s.constructor}}{{s.length}}{{/with}}',
};

/** What a successful injection would print somewhere in the output. */
const HARMFUL = /function|native code|\[object|process|child_process|uid=|Object|Function/;

let prototypeNames: string[];
let stringProtoNames: string[];

beforeAll(() => {
  prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
  stringProtoNames = Object.getOwnPropertyNames(String.prototype).sort();
});

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  expect(Object.getOwnPropertyNames(String.prototype).sort()).toEqual(stringProtoNames);
});

describe('checkTemplate', () => {
  it('accepts an ordinary template', () => {
    expect(
      checkTemplate({
        subject: 'Invoice {{invoiceNumber}} from {{agency.name}}',
        body: [
          '<p>{{#if recipient.name}}Hi {{recipient.name}},{{else}}Hello,{{/if}}</p>',
          '<p>Amount: {{money amountMinor currency}}, due {{date dueDate}}.</p>',
          '<ul>{{#each items}}<li><a href="{{linkUrl}}">{{title}}</a></li>{{/each}}</ul>',
          '<p><a href="mailto:billing@studio.example.com" style="color:#333">Billing</a></p>',
          '{{button invoiceUrl "View invoice"}}',
        ].join('\n'),
      }),
    ).toEqual({ ok: true });
  });

  it('refuses triple-stash and {{& with the line it is on', () => {
    expect(body('<p>Hi</p>\n<p>there</p>\n<p>{{{recipient.name}}}</p>')).toEqual({
      ok: false,
      field: 'body',
      line: 3,
      reason: expect.stringContaining('Triple braces'),
    });
    expect(body('<p>\n{{& recipient.name}}</p>')).toMatchObject({ ok: false, field: 'body', line: 2 });
    expect(subject('Hi {{{recipient.name}}}')).toMatchObject({ ok: false, field: 'subject', line: 1 });
    expect(body('{{~{recipient.name}~}}')).toMatchObject({ ok: false });
    expect(body('{{{{raw}}}}{{x}}{{{{/raw}}}}')).toMatchObject({ ok: false });
  });

  it('refuses partials and decorators', () => {
    expect(body('a\n{{> footer}}')).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/Partials/),
    });
    expect(body('{{#> layout}}x{{/layout}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Partials/),
    });
    expect(body('{{* decorate}}')).toMatchObject({ ok: false, reason: expect.stringMatching(/Decorators/) });
    expect(body('{{#*inline "x"}}y{{/inline}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Decorators/),
    });
  });

  it('refuses unknown helpers and blocks, naming them', () => {
    expect(body('<p>\n\n{{uppercase recipient.name}}</p>')).toEqual({
      ok: false,
      field: 'body',
      line: 3,
      reason:
        'Unknown helper "uppercase". Available: button, date and money, and the blocks #if, #unless, #each and #with.',
    });
    expect(body('{{#repeat 3}}x{{/repeat}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Unknown block "#repeat"/),
    });
    expect(body('{{#items}}x{{/items}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Unknown block/),
    });
    expect(body('{{^items}}x{{/items}}')).toMatchObject({ ok: false });
    expect(body('{{lookup this "x"}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/"lookup"/),
    });
    expect(body('{{log "x"}}')).toMatchObject({ ok: false, reason: expect.stringMatching(/"log"/) });
    expect(body('{{date (lookup this "x")}}')).toMatchObject({ ok: false });
    expect(body('{{recipient.name "x"}}')).toMatchObject({ ok: false });
  });

  it('refuses helpers with the wrong number of values or in the wrong place', () => {
    expect(body('{{button resetUrl}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/"button" takes 2/),
    });
    expect(body('{{date}}')).toMatchObject({ ok: false, reason: expect.stringMatching(/"date" takes 1/) });
    expect(body('{{money 100}}')).toMatchObject({ ok: false });
    expect(body('{{#if}}x{{/if}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/#if takes exactly one/),
    });
    expect(body('{{#each a b}}x{{/each}}')).toMatchObject({ ok: false });
    expect(body('{{if recipient.name}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/must be used as a block/),
    });
    expect(body('{{#button a "b"}}x{{/button}}')).toMatchObject({ ok: false });
    expect(body('{{#each items key="x"}}x{{/each}}')).toMatchObject({ ok: false });
    expect(body('{{#if amountMinor includeZero=true}}x{{/if}}')).toEqual({ ok: true });
    expect(subject('{{button resetUrl "Go"}}')).toMatchObject({
      ok: false,
      field: 'subject',
      reason: expect.stringMatching(/Buttons/),
    });
  });

  it('explains syntax errors with their line', () => {
    expect(body('<p>a</p>\n{{#if recipient.name}}\n<p>b</p>')).toMatchObject({
      ok: false,
      line: 3,
      reason: expect.stringMatching(/ends before/),
    });
    expect(body('<p>\n{{#if a}}x{{/each}}')).toMatchObject({
      ok: false,
      line: 2,
      reason: '{{#if}} is closed by {{/each}}.',
    });
    expect(body('{{recipient.name')).toMatchObject({ ok: false, line: 1 });
    expect(subject('Hello {{ }}')).toMatchObject({ ok: false, field: 'subject' });
  });

  it('refuses sources over 20,000 characters', () => {
    const long = `<p>${'a'.repeat(20_001)}</p>`;
    expect(body(long)).toMatchObject({
      ok: false,
      field: 'body',
      reason: expect.stringMatching(/too long.*20,000/),
    });
    expect(subject('x'.repeat(20_001))).toMatchObject({ ok: false, field: 'subject' });
  });

  it('refuses templates nested too deeply or with too many parts', () => {
    const nest = (depth: number) => `${'{{#if recipient.name}}'.repeat(depth)}x${'{{/if}}'.repeat(depth)}`;
    expect(body(nest(MAX_BLOCK_DEPTH))).toEqual({ ok: true });
    expect(body(nest(MAX_BLOCK_DEPTH + 1))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/nested too deeply/),
    });
    expect(body('{{a}}'.repeat(2_100))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/too complex/),
    });
  });

  it('refuses templates that render too slowly or too large', () => {
    // Eleven loops over the three sample digest items: 3^11 iterations.
    const slow = `${'{{#each @root.items}}'.repeat(11)}x${'{{/each}}'.repeat(11)}`;
    expect(body(slow)).toMatchObject({
      ok: false,
      field: 'body',
      reason: expect.stringMatching(/too long to render/),
    });
    const huge = `{{#each @root.items}}{{#each @root.items}}{{#each @root.items}}<p>${'y'.repeat(19_000)}</p>{{/each}}{{/each}}{{/each}}`;
    expect(body(huge)).toMatchObject({
      ok: false,
      field: 'body',
      reason: expect.stringMatching(/too large/),
    });
  });

  it('refuses links that are not https:, mailto: or a variable', () => {
    const cases = [
      '<a href="javascript:alert(1)">x</a>',
      '<a HREF = "JaVaScRiPt:alert(1)">x</a>',
      '<a href=" javascript:alert(1)">x</a>',
      "<a href='&#106;avascript:alert(1)'>x</a>",
      '<a href=javascript:alert(1)>x</a>',
      '<a href="http://tracker.example/x">x</a>',
      '<a href="/relative">x</a>',
      '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
      '<a title=">" href="vbscript:x">x</a>',
    ];
    for (const source of cases) {
      expect(body(`<p>Hello</p>\n${source}`), source).toMatchObject({
        ok: false,
        field: 'body',
        line: 2,
        reason: expect.stringMatching(/Links must start with https: or mailto:/),
      });
    }
    expect(
      body(
        '<a href="{{invoiceUrl}}">x</a> <a href="https://x.example/{{invoiceNumber}}">y</a> <a href="mailto:a@b.c">z</a>',
      ),
    ).toEqual({
      ok: true,
    });
    expect(body('<a href={{url}}>x</a>')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Put quotes/),
    });
  });

  it('refuses scripts, frames, objects, forms, event handlers and style that loads anything', () => {
    const cases: [string, RegExp][] = [
      ['<script>alert(1)</script>', /<script> is not allowed/],
      ['<SCRIPT src="https://x.example/a.js"></SCRIPT>', /<script>/],
      ['<iframe src="https://x.example"></iframe>', /<iframe>/],
      ['<object data="https://x.example/a.swf"></object>', /<object>/],
      ['<embed src="https://x.example/a.swf">', /<embed>/],
      ['<form action="https://x.example"><input></form>', /<form>/],
      ['<style>p{background:url(https://x.example)}</style>', /<style>/],
      ['<img src="https://x.example/a.png" onerror="alert(1)">', /onerror=/],
      ['<a href="https://x.example" onClick = "x()">x</a>', /onclick=/],
      ['<p style="background:url(https://tracker.example/p.gif)">x</p>', /style= must not load/],
      ['<p style="width:expression(alert(1))">x</p>', /style= must not load/],
      ['<scr{{x}}ipt>alert(1)</script>', /<script>/],
      ['<a href="https://x.example" on{{x}}mouseover="y()">x</a>', /onmouseover=/],
      ['<img srcset="https://x.example/a.png 1x">', /srcset/],
    ];
    for (const [source, reason] of cases) {
      expect(body(`<p>ok</p>\n\n${source}`), source).toMatchObject({
        ok: false,
        field: 'body',
        line: 3,
        reason: expect.stringMatching(reason),
      });
    }
    expect(body('<p>ok</p>\n<a href="javascript:alert(1)"')).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/not closed/),
    });
    expect(body('<p>x</p><img alt="unterminated>')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not closed/),
    });
    expect(body('<p>1 < 2 &lt;3 and 1 <2</p>')).toEqual({ ok: true });
    // Comments never render, so what they contain is not refused.
    expect(body('{{!-- <script> is not for us --}}<p>ok</p>')).toEqual({ ok: true });
  });

  it.each(Object.entries(PAYLOADS))('refuses the %s payload', (_name, payload) => {
    expect(body(payload)).toMatchObject({ ok: false });
    expect(subject(payload.replace(/\n\s*/g, ''))).toMatchObject({ ok: false });
  });
});

describe('the hardened environment, even without the check', () => {
  const settings = {
    origin: 'https://studio.example.com',
    primaryColor: '#000000',
    onPrimaryColor: '#ffffff',
    font: 'sans-serif',
    locale: 'en-US',
    timeZone: 'UTC',
    budgetMs: 1_000,
    maxIterations: 10_000,
  };

  it.each(Object.entries(PAYLOADS))(
    'compiles %s with knownHelpersOnly to nothing harmful',
    (_name, payload) => {
      let output = '';
      try {
        output = runTemplate(compileBody(payload), { name: 'Ada', agency: { name: 'A' } }, settings);
      } catch (error) {
        // Refused by Handlebars itself: an unknown helper under knownHelpersOnly.
        expect(String(error)).toMatch(
          /knownHelpersOnly|unknown helper|Missing helper|must pass|not a function/i,
        );
        return;
      }
      expect(output).not.toMatch(HARMFUL);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('never lets data from outside reach the prototype', () => {
    const vars = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "name": "Ada"}',
    ) as Record<string, unknown>;
    const email = renderEmail({
      key: 'password-reset',
      override: {
        subject: 'Hi {{polluted}}',
        body: '<p>{{polluted}}{{name}}</p>{{button resetUrl "Reset"}}',
      },
      brand,
      vars,
      recipient,
    });
    expect(email.usedOverride).toBe(true);
    expect(email.subject).toBe('Hi');
    expect(email.text).toContain('Ada');
    expect(email.text).not.toContain('yes');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats functions and odd values in the data as nothing', () => {
    const email = renderEmail({
      key: 'password-reset',
      override: {
        subject: 'S',
        body: '<p>[{{fn}}][{{sym}}][{{big}}][{{when}}][{{nan}}]</p>{{button resetUrl "Reset"}}',
      },
      brand,
      vars: {
        fn: () => 'called',
        sym: Symbol('s'),
        big: 10n,
        when: new Date('2026-03-31T00:00:00Z'),
        nan: Number.NaN,
      },
      recipient,
    });
    expect(email.text).toContain('[][][10][2026-03-31T00:00:00.000Z][]');
  });
});

describe('render-time clean-up', () => {
  const origin = 'https://studio.example.com';

  it('neutralises links, sources and handlers that break the rules', () => {
    const out = sanitizeBody(
      [
        '<a href="javascript:alert(1)">a</a>',
        '<a href="&#x6a;avascript:alert(1)">b</a>',
        '<img src="data:image/png;base64,AAAA" onerror="alert(1)">',
        '<a href="http://tracker.example/x" style="background:url(https://t.example/p.gif)">c</a>',
        '<a href="https://ok.example/x?a=1&amp;b=2" title="t">d</a>',
        '<a href="http://studio.example.com/x">e</a>',
        '<script>alert(1)</script><iframe src="https://x.example"></iframe>',
      ].join('\n'),
      origin,
    );
    expect(out).not.toMatch(/javascript|data:|onerror|tracker|url\(|<script|<iframe/i);
    expect(out).toContain('<a href="#">a</a>');
    expect(out).toContain('<a href="#">b</a>');
    expect(out).toContain('<a href="https://ok.example/x?a=1&amp;b=2" title="t">d</a>');
    expect(out).toContain('&lt;script>');
    // Plain http is fine for the tenant's own origin only (development tenants).
    expect(
      sanitizeBody('<a href="http://acme.localhost:3000/x">x</a>', 'http://acme.localhost:3000'),
    ).toContain('href="http://acme.localhost:3000/x"');
    expect(out).toContain('<a href="#">e</a>');
    // An unclosed tag would be closed by the layout's next '>', out of reach: it becomes text.
    expect(sanitizeBody('<p>x</p><a href="javascript:alert(1)"', origin)).toBe(
      '<p>x</p>&lt;a href="javascript:alert(1)"',
    );
    expect(sanitizeBody('<a title="x>" href="javascript:y">z</a>', origin)).toBe(
      '<a title="x>" href="#">z</a>',
    );
  });

  it('turns a variable holding a javascript: URL into # when rendering', () => {
    const email = renderEmail({
      key: 'password-reset',
      override: { subject: 'S', body: '<p><a href="{{resetUrl}}">Reset</a></p>{{button resetUrl "Reset"}}' },
      brand,
      vars: { resetUrl: 'javascript:alert(document.cookie)' },
      recipient,
    });
    expect(email.usedOverride).toBe(true);
    expect(email.html).not.toMatch(/javascript/i);
    expect(email.html).toContain('<a href="#" style=');
    // The button renders as nothing rather than as a dead link.
    expect(email.html).not.toContain('bgcolor="#7c3aed"');
  });
});
