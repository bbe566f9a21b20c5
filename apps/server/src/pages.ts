/**
 * The few pages Hono renders itself, before any tenant is known. They name no tenant and no
 * platform: whoever reaches them may be a client of an agency on a mistyped domain.
 */
export function neutralPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
  main { max-width: 28rem; padding: 2rem; text-align: center; }
  h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
  p { margin: 0; line-height: 1.5; opacity: .75; }
</style>
</head>
<body><main><h1>${title}</h1><p>${message}</p></main></body>
</html>`;
}

export const unknownHostPage = neutralPage(
  'Page not found',
  'There is no workspace at this address. Check the link you followed, or ask whoever sent it for the right one.',
);

export const suspendedPage = neutralPage(
  'Temporarily unavailable',
  'This workspace is not available at the moment. Please try again later or contact the organisation that invited you.',
);

export const errorPage = neutralPage('Something went wrong', 'Please try again in a moment.');

export const forbiddenPage = neutralPage(
  'Request refused',
  'This form was sent from another site, so it was not accepted. Go back, reload the page and try again.',
);
