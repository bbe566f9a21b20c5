import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDisposition, InvalidKeyError, isObjectKey, objectKey, tenantPrefix } from './storage';

describe('objectKey', () => {
  const tenant = randomUUID();
  const id = randomUUID();

  it('is tenants/<tenant>/<id>, lower-cased', () => {
    expect(objectKey(tenant, id)).toBe(`tenants/${tenant}/${id}`);
    expect(objectKey(tenant.toUpperCase(), id.toUpperCase())).toBe(`tenants/${tenant}/${id}`);
    expect(isObjectKey(objectKey(tenant, id))).toBe(true);
    expect(tenantPrefix(tenant)).toBe(`tenants/${tenant}/`);
  });

  it('refuses path traversal and anything that is not a uuid', () => {
    for (const bad of [
      '../',
      '..',
      `../${id}`,
      `${id}/../x`,
      `${id}/`,
      `/${id}`,
      `${id}\0`,
      `${id} `,
      'not-a-uuid',
      '',
      `${id.slice(0, -1)}g`,
    ]) {
      expect(() => objectKey(bad, id), bad).toThrow(InvalidKeyError);
      expect(() => objectKey(tenant, bad), bad).toThrow(InvalidKeyError);
    }
    expect(() => objectKey(undefined as unknown as string, id)).toThrow(InvalidKeyError);
    expect(() => tenantPrefix('../')).toThrow(InvalidKeyError);
    expect(isObjectKey(`tenants/${tenant}/../${id}`)).toBe(false);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Plan "final" é.pdf')).toBe(
      `attachment; filename="Plan _final_ _.pdf"; filename*=UTF-8''Plan%20%22final%22%20%C3%A9.pdf`,
    );
    expect(contentDisposition('inline', '../a\r\nb.png')).toBe(
      `inline; filename=".._a__b.png"; filename*=UTF-8''.._a__b.png`,
    );
    expect(() => contentDisposition('evil' as 'inline', 'a')).toThrow();
  });
});
