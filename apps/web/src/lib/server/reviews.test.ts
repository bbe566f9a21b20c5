import { describe, expect, it } from 'vitest';
import { decideForm, submitRoundForm } from './reviews';

const TASK = '00000000-0000-4000-8000-000000000001';

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

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
