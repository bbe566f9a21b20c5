import { describe, expect, it } from 'vitest';
import { hashLikeStored, hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords';

describe('passwords', () => {
  it('are hashed with argon2id at m=19 MiB, t=2 as a PHC string', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(phc, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(phc, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
    expect(needsRehash(phc)).toBe(false);
  });

  it('can be reproduced from the stored parameters and salt alone, byte for byte', async () => {
    for (const options of [undefined, { memoryCost: 4096, timeCost: 3, outputLen: 24 }]) {
      const phc = options
        ? await (await import('@node-rs/argon2')).hash('correct horse battery staple', options)
        : await hashPassword('correct horse battery staple');
      const cut = phc.lastIndexOf('$');
      const params = phc.slice(0, cut);
      const length = phc.length - cut - 1;
      expect(await hashLikeStored(params, length, 'correct horse battery staple')).toBe(phc);
      expect(await hashLikeStored(params, length, 'correct horse battery stapler')).not.toBe(phc);
    }
    expect(await hashLikeStored('$2b$10$abcdefghijklmnopqrstuv', 31, 'x')).toBeNull();
    expect(await hashLikeStored('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ', 0, 'x')).toBeNull();
  });

  it('are rehashed when the stored parameters are weaker than today’s', () => {
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=19456,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
  });

  it('must be 10 to 128 characters', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most 128/);
    expect(passwordProblem('a sensible passphrase')).toBeNull();
    expect(passwordProblem('y'.repeat(128).replace(/^y/, 'q'))).toBeNull();
  });

  it('refuses common passwords, whatever their case', () => {
    for (const common of ['password123', 'qwertyuiop', 'Password123', '1234567890', 'iloveyou123']) {
      expect(passwordProblem(common), common).toMatch(/too common/);
    }
  });

  it('refuses the person’s own email or name', () => {
    expect(
      passwordProblem('nora.whitfield@northwind.example', { email: 'nora.whitfield@northwind.example' }),
    ).toMatch(/name or email/);
    expect(passwordProblem('Nora Whitfield', { name: 'Nora Whitfield' })).toMatch(/name or email/);
  });
});
