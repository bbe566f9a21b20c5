import { CoreError, httpStatus } from '@foyer/core';
import { error } from '@sveltejs/kit';

/** A generated document as a core verb hands it over. */
export interface PdfFile {
  filename: string;
  body: Buffer;
}

/**
 * A PDF from a core verb (an approval record, an invoice) as a download. A refusal is the page's
 * own error page; an id that is not one reads as a document the person cannot see.
 */
export async function pdfResponse(make: () => Promise<PdfFile>): Promise<Response> {
  let file: PdfFile;
  try {
    file = await make();
  } catch (caught) {
    if (caught instanceof CoreError) {
      error(caught.code === 'validation' ? 404 : httpStatus(caught.code), caught.message);
    }
    throw caught;
  }
  return new Response(new Uint8Array(file.body), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': contentDisposition(file.filename),
      'content-length': String(file.body.byteLength),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
}

/**
 * The download's file name, sent both as a plain ASCII fallback and as RFC 5987 UTF-8, so accented
 * names survive and a quote or line break in one cannot break the header.
 */
export function contentDisposition(filename: string): string {
  const fallback =
    filename
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\]/g, '_')
      .trim() || 'document.pdf';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
