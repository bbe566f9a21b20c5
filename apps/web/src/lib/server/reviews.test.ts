import { describe, expect, it } from 'vitest';
import { contentDisposition, decideForm, submitRoundForm } from './reviews';

const TASK = '00000000-0000-4000-8000-000000000001';

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

describe('contentDisposition', () => {
  it('sends an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('Approval record – Café menu.pdf')).toBe(
      `attachment; filename="Approval record _ Cafe menu.pdf"; filename*=UTF-8''Approval%20record%20%E2%80%93%20Caf%C3%A9%20menu.pdf`,
    );
  });

  it('cannot be broken out of by quotes, backslashes or line breaks in the name', () => {
    const header = contentDisposition('a"b\\c\r\nSet-Cookie: x=1.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="a_b_c__Set-Cookie: x=1.pdf"; ')).toBe(true);
    expect(header).toContain(`filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1.pdf`);
  });

  it('falls back to a plain name when nothing printable is left', () => {
    expect(contentDisposition('\u2603')).toMatch(/^attachment; filename="_"; /);
  });
});

describe('submitRoundForm', () => {
  it('pairs link rows in order, drops blank rows, and sends shareTask only when ticked', () => {
    const { input, echo } = submitRoundForm(
      TASK,
      form([
        ['note', 'Round two'],
        ['fileIds', 'f1'],
        ['fileIds', 'f2'],
        ['reviewerIds', 'r1'],
        ['linkUrl', ' https://staging.example '],
        ['linkLabel', 'Staging'],
        ['linkUrl', ''],
        ['linkLabel', ''],
        ['linkUrl', 'https://figma.example/x'],
        ['linkLabel', ''],
      ]),
    );
    expect(input).toEqual({
      taskId: TASK,
      note: 'Round two',
      fileIds: ['f1', 'f2'],
      reviewerIds: ['r1'],
      links: [{ url: 'https://staging.example', label: 'Staging' }, { url: 'https://figma.example/x' }],
      shareTask: false,
    });
    expect(echo.links).toHaveLength(2);
    expect(submitRoundForm(TASK, form([['shareTask', 'on']])).input.shareTask).toBe(true);
  });
});

describe('decideForm', () => {
  it('keeps a pin only on a request for revisions with a deliverable chosen', () => {
    const pinned = decideForm(
      TASK,
      form([
        ['roundId', 'r'],
        ['decision', 'revisions'],
        ['comment', 'Move the logo'],
        ['pinDeliverable', '0'],
        ['pinX', '0.25'],
        ['pinY', '0.5'],
      ]),
    );
    expect(pinned.input.pin).toEqual({ deliverable: '0', x: '0.25', y: '0.5' });
    const approval = decideForm(
      TASK,
      form([
        ['roundId', 'r'],
        ['decision', 'approved'],
        ['pinDeliverable', '0'],
      ]),
    );
    expect(approval.input.pin).toBeNull();
    const page = decideForm(
      TASK,
      form([
        ['decision', 'revisions'],
        ['pinDeliverable', '1'],
        ['pinPage', '3'],
      ]),
    );
    expect(page.input.pin).toEqual({ deliverable: '1', page: '3' });
  });
});
