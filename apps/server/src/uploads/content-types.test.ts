import { describe, expect, it } from 'vitest';
import {
  checkType,
  extensionOf,
  extensionRefused,
  inlineSafe,
  previewKind,
  SNIFF_BYTES,
  sniffedType,
} from './content-types';
import { exeBytes, PDF_BYTES, randomPng } from './fixtures';

describe('sniffedType', () => {
  it('reads PNG, PDF and Windows programs from their first bytes', async () => {
    expect(await sniffedType(randomPng(4, 4))).toEqual({ mime: 'image/png', ext: 'png' });
    expect(await sniffedType(PDF_BYTES)).toEqual({ mime: 'application/pdf', ext: 'pdf' });
    expect((await sniffedType(exeBytes()))?.ext).toBe('exe');
  });

  it('finds nothing in text or in nothing, and looks only at the first bytes', async () => {
    expect(await sniffedType(Buffer.from('name,amount\nA,1\n'))).toBeUndefined();
    expect(await sniffedType(new Uint8Array(0))).toBeUndefined();
    const late = Buffer.concat([Buffer.alloc(SNIFF_BYTES, 0x20), PDF_BYTES]);
    expect(await sniffedType(late)).toBeUndefined();
  });
});

describe('extensionRefused', () => {
  it.each([
    'setup.exe',
    'INVOICE.PDF.EXE',
    'run.bat',
    'x.cmd',
    'a.ps1',
    'macro.vbs',
    'app.js',
    'tool.jar',
    'install.sh',
    'My App.app',
    'lib.dll',
    'game.apk',
    'disk.dmg',
    'setup.msi',
    'image.iso',
    'trailing.exe. ',
    'dots.exe...',
  ])('refuses %s with a message', (name) => {
    expect(extensionRefused(name)).toMatch(/cannot be uploaded/);
  });

  it.each(['photo.png', 'brief.pdf', 'notes.txt', 'Makefile', '.env', 'archive.zip', 'script.py', 'exe'])(
    'allows %s',
    (name) => {
      expect(extensionRefused(name)).toBeNull();
    },
  );

  it('looks at the last extension of the base name only', () => {
    expect(extensionOf('dir.exe/readme')).toBe('');
    expect(extensionOf('a.tar.GZ')).toBe('gz');
    expect(extensionOf('.bashrc')).toBe('');
  });
});

describe('checkType', () => {
  it('takes the content type from the bytes when they are recognised', async () => {
    expect(checkType('photo.png', await sniffedType(randomPng(2, 2)))).toEqual({
      ok: true,
      contentType: 'image/png',
    });
    expect(checkType('no extension', await sniffedType(PDF_BYTES))).toEqual({
      ok: true,
      contentType: 'application/pdf',
    });
    // A name that claims nothing binary does not conflict with the bytes.
    expect(checkType('scan.txt', await sniffedType(PDF_BYTES))).toEqual({
      ok: true,
      contentType: 'application/pdf',
    });
  });

  it('refuses a known binary name over other bytes as disguised', async () => {
    const pdfAsPng = checkType('photo.png', await sniffedType(PDF_BYTES));
    expect(pdfAsPng).toMatchObject({ ok: false, reason: 'disguised' });
    expect(pdfAsPng.ok === false && pdfAsPng.message).toMatch(/named “.png” but its contents are a PDF/);
    expect(checkType('photo.png', await sniffedType(exeBytes()))).toMatchObject({
      ok: false,
      reason: 'refused',
    });
    expect(checkType('report.pdf', await sniffedType(randomPng(2, 2)))).toMatchObject({
      ok: false,
      reason: 'disguised',
    });
  });

  it('accepts siblings of one container format', () => {
    expect(checkType('clip.mp4', { ext: 'mov', mime: 'video/quicktime' })).toEqual({
      ok: true,
      contentType: 'video/quicktime',
    });
    expect(checkType('photo.JPEG', { ext: 'jpg', mime: 'image/jpeg' })).toMatchObject({ ok: true });
    expect(checkType('deck.pptx', { ext: 'zip', mime: 'application/zip' })).toMatchObject({ ok: true });
    expect(checkType('song.opus', { ext: 'opus', mime: 'audio/ogg; codecs=opus' })).toMatchObject({
      ok: true,
    });
  });

  it('refuses programs by their bytes whatever the name', () => {
    for (const ext of ['exe', 'elf', 'macho', 'apk', 'jar', 'deb', 'rpm']) {
      expect(checkType('harmless.dat', { ext, mime: 'application/octet-stream' })).toMatchObject({
        ok: false,
        reason: 'refused',
      });
    }
  });

  it('refuses refused names even when the bytes say nothing', () => {
    expect(checkType('deploy.sh')).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('names safe text types and makes everything else an octet stream', () => {
    expect(checkType('notes.txt')).toEqual({ ok: true, contentType: 'text/plain' });
    expect(checkType('data.CSV')).toEqual({ ok: true, contentType: 'text/csv' });
    expect(checkType('README.md')).toEqual({ ok: true, contentType: 'text/markdown' });
    expect(checkType('a.json')).toEqual({ ok: true, contentType: 'application/json' });
    expect(checkType('page.html')).toEqual({ ok: true, contentType: 'application/octet-stream' });
    expect(checkType('photo.png')).toEqual({ ok: true, contentType: 'application/octet-stream' });
    expect(checkType('logo.svg')).toEqual({ ok: true, contentType: 'image/svg+xml' });
    expect(checkType('logo.svg', { ext: 'xml', mime: 'application/xml' })).toEqual({
      ok: true,
      contentType: 'image/svg+xml',
    });
  });

  it('names old Office documents, which file-type only knows as CFB', () => {
    expect(checkType('letter.doc', { ext: 'cfb', mime: 'application/x-cfb' })).toEqual({
      ok: true,
      contentType: 'application/msword',
    });
  });
});

describe('inlineSafe and previewKind', () => {
  it('shows only media and PDF in the page', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']) {
      expect(inlineSafe(type)).toBe(true);
      expect(previewKind(type)).toBe('image');
    }
    expect(previewKind('application/pdf')).toBe('pdf');
    expect(previewKind('audio/mpeg')).toBe('audio');
    expect(previewKind('audio/ogg; codecs=opus')).toBe('audio');
    expect(previewKind('audio/wav')).toBe('audio');
    expect(previewKind('video/mp4')).toBe('video');
    expect(previewKind('video/webm')).toBe('video');
    expect(previewKind('VIDEO/QUICKTIME')).toBe('video');
  });

  it('downloads everything else, SVG and HTML included', () => {
    for (const type of [
      'image/svg+xml',
      'text/html',
      'text/plain',
      'application/octet-stream',
      'image/tiff',
      'constructor',
      '',
    ]) {
      expect(inlineSafe(type)).toBe(false);
      expect(previewKind(type)).toBeNull();
    }
  });
});
