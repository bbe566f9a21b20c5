import { CoreError, httpStatus } from '@foyer/core';
import { error } from '@sveltejs/kit';

/**
 * A document a verb made (an approval record, an invoice) as a PDF download. The verb reads
 * under the person's policies, so a refusal is its answer: an id that names nothing reads as one
 * the person cannot see (404). The file name comes from the verb; it is sent both as a plain
 * ASCII fallback and as RFC 5987 UTF-8, so accented names survive and a quote or line break in
 * one cannot break the header.
 */
export async function pdfResponse(made: Promise<{ filename: string; body: Uint8Array }>): Promise<Response> {
  let document: { filename: string; body: Uint8Array };
  try {
    document = await made;
  } catch (caught) {
    if (caught instanceof CoreError) {
      error(caught.code === 'validation' ? 404 : httpStatus(caught.code), caught.message);
    }
    throw caught;
  }
  return new Response(new Uint8Array(document.body), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': contentDisposition(document.filename),
      'content-length': String(document.body.byteLength),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
}

export function contentDisposition(filename: string): string {
  const fallback =
    filename
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\]/g, '_')
      .trim() || 'document.pdf';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
