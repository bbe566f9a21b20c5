import { describe, expect, it } from 'vitest';
import {
  extensionOf,
  fileKind,
  formatBytes,
  refusedBeforeUpload,
  type SortableFile,
  sortFiles,
  typeLabel,
  uploadErrorMessage,
} from './files';

describe('formatBytes', () => {
  it('shows bytes whole and larger units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(4.7 * 1024 ** 3)).toBe('4.7 GB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3072.0 GB');
  });

  it('moves to the next unit instead of printing 1024.0', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MB');
  });

  it('shows a dash for what is not a size', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('extensionOf', () => {
  it('takes the last extension, lower-cased', () => {
    expect(extensionOf('report.final.PDF')).toBe('pdf');
    expect(extensionOf('photo.jpeg')).toBe('jpeg');
  });

  it('finds none in dot files, trailing dots, bare names and folders with dots', () => {
    expect(extensionOf('.env')).toBe('');
    expect(extensionOf('notes.')).toBe('');
    expect(extensionOf('README')).toBe('');
    expect(extensionOf('v1.2/README')).toBe('');
    expect(extensionOf('C:\\temp.d\\setup.EXE')).toBe('exe');
  });
});

describe('refusedBeforeUpload', () => {
  const MB = 1024 * 1024;

  it('lets a file within the limit and of an accepted type go', () => {
    expect(refusedBeforeUpload({ name: 'brief.pdf', size: MB }, 10 * MB, ['exe'])).toBeNull();
    expect(refusedBeforeUpload({ name: 'exact.bin', size: 10 * MB }, 10 * MB, [])).toBeNull();
  });

  it('refuses a file over the limit, saying both sizes', () => {
    expect(refusedBeforeUpload({ name: 'cut.mov', size: 10 * MB + 1 }, 10 * MB, [])).toBe(
      'This file is just over the limit of 10.0 MB.',
    );
    expect(refusedBeforeUpload({ name: 'cut.mov', size: 11 * MB }, 10 * MB, [])).toBe(
      'This file is 11.0 MB; the limit is 10.0 MB.',
    );
    expect(refusedBeforeUpload({ name: 'cut.mov', size: 2 * 1024 * MB }, 500 * MB, [])).toBe(
      'This file is 2.0 GB; the limit is 500.0 MB.',
    );
  });

  it('refuses a refused extension whatever its case', () => {
    expect(refusedBeforeUpload({ name: 'Setup.EXE', size: 1 }, MB, ['exe', 'bat'])).toBe(
      '.exe files can’t be uploaded here.',
    );
    expect(refusedBeforeUpload({ name: 'exe', size: 1 }, MB, ['exe'])).toBeNull();
  });
});

describe('sortFiles', () => {
  const rows: (SortableFile & { id: number })[] = [
    {
      id: 1,
      name: 'file 10.png',
      size: 300,
      contentType: 'image/png',
      uploadedAt: '2026-03-02T10:00:00Z',
      uploaderName: 'Zoë',
    },
    {
      id: 2,
      name: 'File 2.pdf',
      size: 100,
      contentType: 'application/pdf',
      uploadedAt: '2026-03-01T10:00:00Z',
      uploaderName: null,
    },
    {
      id: 3,
      name: 'brief.docx',
      size: 300,
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      uploadedAt: new Date('2026-03-03T10:00:00Z'),
      uploaderName: 'ana',
    },
  ];
  const ids = (sorted: { id: number }[]) => sorted.map((row) => row.id);

  it('sorts names naturally and without regard to case', () => {
    expect(ids(sortFiles(rows, 'name', 'asc'))).toEqual([3, 2, 1]);
    expect(ids(sortFiles(rows, 'name', 'desc'))).toEqual([1, 2, 3]);
  });

  it('sorts by size, ties by name in the same direction', () => {
    expect(ids(sortFiles(rows, 'size', 'asc'))).toEqual([2, 3, 1]);
    expect(ids(sortFiles(rows, 'size', 'desc'))).toEqual([1, 3, 2]);
  });

  it('sorts by date from strings and Dates alike', () => {
    expect(ids(sortFiles(rows, 'date', 'desc'))).toEqual([3, 1, 2]);
  });

  it('sorts by type label', () => {
    expect(ids(sortFiles(rows, 'type', 'asc'))).toEqual([3, 1, 2]);
  });

  it('sorts by uploader with unknown uploaders last either way', () => {
    expect(ids(sortFiles(rows, 'uploader', 'asc'))).toEqual([3, 1, 2]);
    expect(ids(sortFiles(rows, 'uploader', 'desc'))).toEqual([1, 3, 2]);
  });

  it('leaves the input alone', () => {
    sortFiles(rows, 'size', 'desc');
    expect(ids(rows)).toEqual([1, 2, 3]);
  });
});

describe('kinds', () => {
  it('groups content types into icon families', () => {
    expect(fileKind('image/svg+xml')).toBe('image');
    expect(fileKind('application/pdf')).toBe('pdf');
    expect(fileKind('video/quicktime')).toBe('video');
    expect(fileKind('audio/mpeg')).toBe('audio');
    expect(fileKind('application/zip')).toBe('archive');
    expect(fileKind('text/csv; charset=utf-8')).toBe('spreadsheet');
    expect(fileKind('text/plain')).toBe('document');
    expect(fileKind('application/octet-stream')).toBe('other');
  });

  it('labels types for lists', () => {
    expect(typeLabel('application/pdf', 'a.pdf')).toBe('PDF');
    expect(typeLabel('image/png', 'a.PNG')).toBe('Image (PNG)');
    expect(typeLabel('application/octet-stream', 'data.bin')).toBe('BIN file');
    expect(typeLabel('application/octet-stream', 'data')).toBe('File');
  });
});

describe('uploadErrorMessage', () => {
  it('shows a problem’s detail, else its title', () => {
    expect(uploadErrorMessage(413, '{"title":"Too large","detail":"Files may be up to 5.0 GB."}')).toBe(
      'Files may be up to 5.0 GB.',
    );
    expect(uploadErrorMessage(415, '{"title":"Refused type"}')).toBe('Refused type');
  });

  it('shows plain text as it is, shortened when long', () => {
    expect(uploadErrorMessage(400, ' Upload-Length is over the limit\n')).toBe(
      'Upload-Length is over the limit',
    );
    expect(uploadErrorMessage(400, 'x'.repeat(1000))).toHaveLength(300);
  });

  it('falls back to a sentence for the status when the body says nothing readable', () => {
    expect(uploadErrorMessage(413, '')).toBe('This file is larger than the server accepts.');
    expect(uploadErrorMessage(413, '<html><body>nginx</body></html>')).toBe(
      'This file is larger than the server accepts.',
    );
    expect(uploadErrorMessage(403, '')).toBe('You may not upload here. Sign in again or ask the team.');
    expect(uploadErrorMessage(409, '{not json')).toBe('{not json');
    expect(uploadErrorMessage(422, '{}')).toBe('The server refused the upload (422).');
  });
});
