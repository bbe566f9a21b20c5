import { expect, signUpAgency, test } from './support';

// The request edge on the real server: what no page sends is refused with a 400 or 415 (never a
// 500), bad ids in form actions are field errors, and `next` cannot lead off the host.

test('bad input to form actions gets a 400 or a field error, never a 500', async ({ page, hostUrl }) => {
  const agency = await signUpAgency(page, hostUrl, 'edge');
  // Sent by the page itself (Node's resolver does not know *.localhost), so Origin and cookie
  // are the browser's own, as an attacker's script on this page would have them.
  const post = async (
    path: string,
    options: { form?: Record<string, string>; data?: string; type?: string },
  ) => {
    const { status, text } = await page.evaluate(
      async ({ path, options }) => {
        const body = options.form ? new URLSearchParams(options.form) : (options.data ?? '');
        // As a form without script posts: the answer is the page, with the action's status.
        const headers: Record<string, string> = { accept: 'text/html' };
        if (options.type) headers['content-type'] = options.type;
        const res = await fetch(path, { method: 'POST', body, headers, redirect: 'manual' });
        return { status: res.status, text: await res.text() };
      },
      { path, options },
    );
    return { status: () => status, text: async () => text };
  };

  // A non-uuid id reaches the action and comes back as a message beside the form.
  const role = await post('/admin/team?/role', { form: { memberId: 'x', role: 'admin' } });
  expect(role.status()).toBe(400);
  expect(await role.text()).toContain('That member doesn’t exist.');
  const revoke = await post('/admin/team?/revoke', { form: { invitationId: '1 or 1=1', confirmed: 'yes' } });
  expect(revoke.status()).toBe(400);
  const retry = await post('/admin/settings/email/log?/retry', { form: { emailId: '../../etc' } });
  expect(retry.status()).toBe(400);
  const session = await post('/account?/endSession', { form: { sessionId: 'not-a-session' } });
  expect(session.status()).toBe(400);

  // NUL bytes, text/plain and broken multipart are refused at the edge on every action.
  for (const path of ['/login', '/account?/name', '/admin/team?/role', '/forgot-password']) {
    const nul = await post(path, { form: { email: 'a\u0000b@c.d', name: 'x\u0000', memberId: 'x' } });
    expect(nul.status(), path).toBe(400);
    const plain = await post(path, { data: 'email=a@b.c', type: 'text/plain' });
    expect(plain.status(), path).toBe(415);
    const broken = await post(path, {
      data: '--zz\r\nContent-Disposition: form-data; name="email"\r\n\r\nabc',
      type: 'multipart/form-data; boundary=zz',
    });
    expect(broken.status(), path).toBe(400);
  }

  // The account is untouched by all of it.
  await page.goto(hostUrl(agency.host, '/account'));
  await expect(page.getByLabel('Your name')).toHaveValue(agency.admin.name);
});

test('a signed-in visit to the sign-in page never follows next off the host', async ({ page, hostUrl }) => {
  const agency = await signUpAgency(page, hostUrl, 'next');
  for (const next of [
    '/.//evil.example/phish',
    '/%2e//evil.example',
    '/a/..//evil.example',
    '//evil.example',
  ]) {
    await page.goto(hostUrl(agency.host, `/login?next=${encodeURIComponent(next)}`));
    await expect(page, next).toHaveURL(hostUrl(agency.host, '/admin'));
  }
  await page.goto(hostUrl(agency.host, `/login?next=${encodeURIComponent('/account')}`));
  await expect(page).toHaveURL(hostUrl(agency.host, '/account'));
});
