import type { OutgoingMail } from '@foyer/email';
import type { Branding } from '../branding/types';
import type { CoreContext } from '../context';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The few account emails this release sends (reset, invitation, email confirmation), in the
 * agency's name and colours. The email release replaces these with editable templates.
 */
export function accountNotice(
  ctx: CoreContext,
  brand: Pick<Branding, 'displayName' | 'primaryColor' | 'onPrimaryColor'>,
  input: {
    to: string;
    subject: string;
    greeting: string;
    lines: string[];
    action: { label: string; url: string };
    footer: string;
  },
): OutgoingMail {
  const text = [
    input.greeting,
    '',
    ...input.lines,
    '',
    `${input.action.label}: ${input.action.url}`,
    '',
    input.footer,
    '',
    `— ${brand.displayName}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="margin:0;padding:24px;background:#f5f5f7;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:32px">
<tr><td>
<p style="font-size:18px;font-weight:600;margin:0 0 24px">${escapeHtml(brand.displayName)}</p>
<p style="margin:0 0 16px">${escapeHtml(input.greeting)}</p>
${input.lines.map((l) => `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(l)}</p>`).join('\n')}
<p style="margin:24px 0"><a href="${escapeHtml(input.action.url)}" style="display:inline-block;background:${brand.primaryColor};color:${brand.onPrimaryColor};padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(input.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;line-height:1.5">${escapeHtml(input.footer)}</p>
<p style="margin:0;font-size:13px;color:#6b7280;word-break:break-all">${escapeHtml(input.action.url)}</p>
</td></tr></table></body></html>`;
  return {
    fromName: brand.displayName,
    fromAddress: ctx.mailFrom,
    to: input.to,
    subject: input.subject,
    text,
    html,
  };
}
