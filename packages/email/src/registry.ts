/**
 * Every email the product sends, with the variables its template receives and sample data for
 * previews. The template sources live in `../templates/<key>.hbs`.
 */

export const TEMPLATE_KEYS = [
  'client-invitation',
  'staff-invitation',
  'email-verification',
  'password-reset',
  'email-change',
  'two-factor-changed',
  'project-added',
  'review-requested',
  'review-approved',
  'revisions-requested',
  'message-new',
  'mention',
  'invoice-sent',
  'payment-received',
  'payment-reminder',
  'payment-overdue',
  'file-shared',
  'task-assigned',
  'tasks-shared',
  'task-comment',
  'digest',
  'summary',
  'nudge',
  'google-joined',
] as const;

export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** Who receives it: the agency's clients, its own team, or anyone with an account. */
export type TemplateAudience = 'client' | 'team' | 'any';

export interface TemplateVariable {
  /** Path as written in the template, e.g. `recipient.name` or `messages[].excerpt`. */
  name: string;
  description: string;
}

export interface TemplateInfo {
  key: TemplateKey;
  name: string;
  description: string;
  audience: TemplateAudience;
  /** The template's own variables; {@link COMMON_VARIABLES} come on top. */
  variables: readonly TemplateVariable[];
  /**
   * The variable holding the link this email exists for (an invitation's accept link): an
   * agency's version must keep it, or the email would be a message from the platform's address
   * with nothing to act on.
   */
  link: string;
  /**
   * Whether the feature that sends this email exists yet. Emails of features still to come are
   * not offered to agencies (nor their notification choices) until their release sets this.
   */
  live: boolean;
  sample: Readonly<Record<string, unknown>>;
}

/** Given to every template, filled in from the brand and the recipient, never from `vars`. */
export const COMMON_VARIABLES: readonly TemplateVariable[] = [
  { name: 'agency.name', description: "The agency's name" },
  { name: 'agency.url', description: "The agency's portal address, e.g. https://studio.example.com" },
  { name: 'recipient.name', description: "The recipient's name; may be empty" },
  { name: 'recipient.email', description: "The recipient's email address" },
];

/**
 * Sample links point here; previews move them onto the agency's own portal address so that
 * the preview looks exactly like the real email.
 */
export const SAMPLE_ORIGIN = 'https://portal.example.com';

const link = (path: string) => `${SAMPLE_ORIGIN}${path}`;

const invoiceVariables = [
  { name: 'invoiceNumber', description: 'The invoice number, e.g. INV-2026-014' },
  {
    name: 'amountMinor',
    description: 'Amount in minor units (cents), use with {{money amountMinor currency}}',
  },
  { name: 'currency', description: 'ISO currency code, e.g. USD' },
] as const;

const samples = {
  'client-invitation': {
    inviterName: 'Jordan Lee',
    acceptUrl: link('/invite?token=sample-invitation-token'),
    expiresAt: '2026-04-07',
  },
  'staff-invitation': {
    inviterName: 'Jordan Lee',
    roleName: 'Staff',
    acceptUrl: link('/invite?token=sample-invitation-token'),
    expiresAt: '2026-04-07',
  },
  'email-verification': {
    verifyUrl: link('/verify-email?token=sample-verification-token'),
    expiresInHours: 24,
  },
  'password-reset': {
    resetUrl: link('/reset-password?token=sample-reset-token'),
    expiresInMinutes: 30,
  },
  'email-change': {
    newEmail: 'sam.new@client.example',
    confirmUrl: link('/account/confirm-email?token=sample-change-token'),
    expiresInHours: 24,
  },
  'two-factor-changed': {
    enabled: true,
    disabled: false,
    recoveryUsed: false,
    recoveryLeft: 9,
    accountUrl: link('/account'),
  },
  'project-added': {
    projectName: 'Spring website refresh',
    addedByName: 'Jordan Lee',
    projectUrl: link('/projects/spring-website-refresh'),
  },
  'review-requested': {
    taskTitle: 'Homepage design, round 2',
    projectName: 'Spring website refresh',
    requestedByName: 'Jordan Lee',
    roundNumber: 2,
    reminder: false,
    waitingDays: 0,
    dueDate: '2026-03-20',
    reviewUrl: link('/tasks/homepage-design'),
  },
  'review-approved': {
    taskTitle: 'Homepage design, round 2',
    projectName: 'Spring website refresh',
    approvedByName: 'Sam Rivera (Acme Bakery)',
    roundNumber: 2,
    comment: 'Looks great, thank you! Happy to go ahead with this version.',
    taskUrl: link('/admin/tasks/homepage-design'),
  },
  'revisions-requested': {
    taskTitle: 'Homepage design, round 2',
    projectName: 'Spring website refresh',
    requestedByName: 'Sam Rivera (Acme Bakery)',
    roundNumber: 1,
    comment: 'Could we try a lighter background in the header and a larger call to action?',
    taskUrl: link('/admin/tasks/homepage-design'),
  },
  'task-comment': {
    taskTitle: 'Homepage design, round 2',
    projectName: 'Spring website refresh',
    authorName: 'Sam Rivera',
    companyName: 'Rivera & Co',
    comment: 'Could the header photo be a little brighter? Otherwise this looks ready.',
    taskUrl: link('/admin/tasks/homepage-design'),
  },
  'message-new': {
    senderName: 'Sam Rivera',
    projectName: 'Spring website refresh',
    excerpt: 'Thanks for the update! I have shared the new photos in the files section.',
    messageUrl: link('/projects/spring-website-refresh/messages/sample-thread'),
  },
  mention: {
    mentionedByName: 'Jordan Lee',
    projectName: 'Spring website refresh',
    excerpt: '@Sam could you confirm the launch date so we can schedule the final review?',
    mentionUrl: link('/projects/spring-website-refresh/messages/sample-thread'),
  },
  'invoice-sent': {
    invoiceNumber: 'INV-2026-014',
    amountMinor: 125000,
    currency: 'USD',
    dueDate: '2026-03-31',
    invoiceUrl: link('/invoices/inv-2026-014'),
  },
  'payment-received': {
    invoiceNumber: 'INV-2026-014',
    amountMinor: 125000,
    currency: 'USD',
    paidAt: '2026-03-18',
    invoiceUrl: link('/invoices/inv-2026-014'),
  },
  'payment-reminder': {
    invoiceNumber: 'INV-2026-014',
    amountMinor: 125000,
    currency: 'USD',
    dueDate: '2026-03-31',
    invoiceUrl: link('/invoices/inv-2026-014'),
  },
  'payment-overdue': {
    invoiceNumber: 'INV-2026-014',
    amountMinor: 125000,
    currency: 'USD',
    dueDate: '2026-03-31',
    invoiceUrl: link('/invoices/inv-2026-014'),
  },
  'file-shared': {
    sharedByName: 'Northwind Studio',
    projectName: 'Spring website refresh',
    count: 2,
    several: true,
    files: [
      { name: 'Brand guidelines v3.pdf', size: '2.4 MB' },
      { name: 'Homepage hero.png', size: '860 KB' },
    ],
    filesUrl: link('/projects/spring-website-refresh/files'),
  },
  'task-assigned': {
    taskTitle: 'Homepage design, round 2',
    projectName: 'Spring website refresh',
    assignedByName: 'Jordan Lee',
    count: 1,
    several: false,
    tasks: [{ title: 'Homepage design, round 2', projectName: 'Spring website refresh' }],
    taskUrl: link('/admin/tasks/sample-task'),
  },
  'tasks-shared': {
    projectName: 'Spring website refresh',
    sharedByName: 'Northwind Studio',
    count: 2,
    several: true,
    tasks: [{ title: 'Homepage design, round 2' }, { title: 'Photography for the team page' }],
    projectUrl: link('/projects/spring-website-refresh'),
  },
  nudge: {
    count: 3,
    several: true,
    items: [
      {
        kind: 'Waiting for your review',
        title: 'Homepage design, round 2',
        since: '2026-03-14',
        linkUrl: link('/tasks/homepage-design'),
      },
      {
        kind: 'New file',
        title: 'brand-guidelines.pdf',
        since: '2026-03-15',
        linkUrl: link('/projects/spring-website-refresh/files'),
      },
      {
        kind: 'Invoice to pay',
        title: 'Invoice INV-2026-014',
        since: '2026-03-16',
        linkUrl: link('/invoices/inv-2026-014'),
      },
    ],
    portalUrl: link('/'),
  },
  digest: {
    count: 3,
    several: true,
    items: [
      {
        title: 'Sam Rivera wrote in “Spring website refresh”',
        excerpt: 'Thanks for the update! I have shared the new photos in the files section.',
        unread: 4,
        linkUrl: link('/messages/sample-thread'),
      },
      {
        title: 'Jordan Lee wrote in “Launch checklist”',
        excerpt: 'The second round of homepage designs is ready for your review.',
        unread: 1,
        linkUrl: link('/messages/launch-checklist'),
      },
      {
        title: 'Review ready: Homepage design, round 2',
        excerpt: 'Jordan Lee asked for your review.',
        unread: 0,
        linkUrl: link('/tasks/homepage-design'),
      },
    ],
    notificationsUrl: link('/notifications'),
    preferencesUrl: link('/account/notifications'),
  },
  summary: {
    period: 'weekly',
    weekly: true,
    since: '2026-03-09',
    projects: [
      {
        name: 'Spring website refresh',
        changes: '2 tasks completed, 1 new task, 3 files shared, 5 messages',
        projectUrl: link('/projects/spring-website-refresh'),
      },
      {
        name: 'Quarterly newsletter',
        changes: '1 task completed',
        projectUrl: link('/projects/quarterly-newsletter'),
      },
    ],
    reviews: [
      {
        title: 'Homepage design, round 2',
        projectName: 'Spring website refresh',
        state: 'waiting for your decision',
        reviewUrl: link('/tasks/homepage-design'),
      },
    ],
    invoices: [
      {
        number: 'INV-2026-014',
        amount: '$1,250.00',
        dueDate: '2026-03-31',
        overdue: false,
        invoiceUrl: link('/invoices/inv-2026-014'),
      },
    ],
    homeUrl: link('/'),
    preferencesUrl: link('/account/notifications'),
  },
  'google-joined': {
    personName: 'Casey Morgan',
    personEmail: 'casey@harbor-coffee.example',
    companyName: 'Casey Morgan',
    clientUrl: link('/admin/clients/casey-morgan'),
  },
} satisfies Record<TemplateKey, Record<string, unknown>>;

/** What a template's `vars` look like, from its sample: use it to type what you enqueue. */
export type TemplateVars<K extends TemplateKey> = (typeof samples)[K];

const definitions: Record<TemplateKey, Omit<TemplateInfo, 'key' | 'sample'>> = {
  'client-invitation': {
    name: 'Client invitation',
    description: 'Invites a client contact to the portal.',
    audience: 'client',
    link: 'acceptUrl',
    live: true,
    variables: [
      { name: 'inviterName', description: 'Who sent the invitation; may be empty' },
      { name: 'acceptUrl', description: 'Link that accepts the invitation' },
      { name: 'expiresAt', description: 'When the invitation expires (date)' },
    ],
  },
  'staff-invitation': {
    name: 'Team invitation',
    description: 'Invites a new member to the agency team.',
    audience: 'team',
    link: 'acceptUrl',
    live: true,
    variables: [
      { name: 'inviterName', description: 'Who sent the invitation; may be empty' },
      { name: 'roleName', description: 'The role they are invited to: Admin or Staff' },
      { name: 'acceptUrl', description: 'Link that accepts the invitation' },
      { name: 'expiresAt', description: 'When the invitation expires (date)' },
    ],
  },
  'email-verification': {
    name: 'Email verification',
    description: 'Asks a new account holder to confirm their email address.',
    audience: 'any',
    link: 'verifyUrl',
    live: true,
    variables: [
      { name: 'verifyUrl', description: 'Link that confirms the address' },
      { name: 'expiresInHours', description: 'How long the link stays valid, in hours' },
    ],
  },
  'password-reset': {
    name: 'Password reset',
    description: 'Sent when someone asks to reset a forgotten password.',
    audience: 'any',
    link: 'resetUrl',
    live: true,
    variables: [
      { name: 'resetUrl', description: 'Single-use link to choose a new password' },
      { name: 'expiresInMinutes', description: 'How long the link stays valid, in minutes' },
    ],
  },
  'email-change': {
    name: 'Email change',
    description: 'Sent to a new address to confirm an email change.',
    audience: 'any',
    link: 'confirmUrl',
    live: true,
    variables: [
      { name: 'newEmail', description: 'The new address being confirmed' },
      { name: 'confirmUrl', description: 'Link that confirms the change' },
      { name: 'expiresInHours', description: 'How long the link stays valid, in hours' },
    ],
  },
  'two-factor-changed': {
    name: 'Two-factor sign-in changed',
    description:
      'Tells a person that two-factor sign-in was turned on or off, or that a recovery code was used.',
    audience: 'any',
    link: 'accountUrl',
    live: true,
    variables: [
      { name: 'enabled', description: 'True when two-factor was just turned on' },
      { name: 'disabled', description: 'True when two-factor was just turned off' },
      { name: 'recoveryUsed', description: 'True when a recovery code was used to sign in' },
      { name: 'recoveryLeft', description: 'Recovery codes left after that sign-in' },
      { name: 'accountUrl', description: 'Link to the account page' },
    ],
  },
  'project-added': {
    name: 'Added to a project',
    description: 'Tells a client they can now see a project.',
    audience: 'client',
    link: 'projectUrl',
    live: true,
    variables: [
      { name: 'projectName', description: 'The project' },
      { name: 'addedByName', description: 'Who added them' },
      { name: 'projectUrl', description: 'Link to the project' },
    ],
  },
  'review-requested': {
    name: 'Review requested',
    description: 'Tells the client a task is ready for their review.',
    audience: 'client',
    link: 'reviewUrl',
    live: true,
    variables: [
      { name: 'taskTitle', description: 'The task to review' },
      { name: 'projectName', description: 'Its project' },
      { name: 'requestedByName', description: 'Who asked for the review; empty on a reminder' },
      { name: 'roundNumber', description: 'The round of review (1, 2, …)' },
      { name: 'reminder', description: 'True when this is a reminder of a round still waiting' },
      { name: 'waitingDays', description: 'Days the round has waited (on a reminder)' },
      { name: 'dueDate', description: 'When feedback is wanted (date); may be empty' },
      { name: 'reviewUrl', description: 'Link to the task' },
    ],
  },
  'review-approved': {
    name: 'Review approved',
    description: 'Tells the team a client approved a task.',
    audience: 'team',
    link: 'taskUrl',
    live: true,
    variables: [
      { name: 'taskTitle', description: 'The approved task' },
      { name: 'projectName', description: 'Its project' },
      { name: 'approvedByName', description: 'Who approved it, with their company' },
      { name: 'roundNumber', description: 'The round they approved' },
      { name: 'comment', description: 'Their comment; may be empty' },
      { name: 'taskUrl', description: 'Link to the task' },
    ],
  },
  'revisions-requested': {
    name: 'Revisions requested',
    description: 'Tells the team a client asked for changes.',
    audience: 'team',
    link: 'taskUrl',
    live: true,
    variables: [
      { name: 'taskTitle', description: 'The task' },
      { name: 'projectName', description: 'Its project' },
      { name: 'requestedByName', description: 'Who asked for changes, with their company' },
      { name: 'roundNumber', description: 'The round they asked changes to' },
      { name: 'comment', description: 'What they asked for; may be empty' },
      { name: 'taskUrl', description: 'Link to the task' },
    ],
  },
  'task-comment': {
    name: 'Client comment on a task',
    description: 'Tells the team a client commented on a task.',
    audience: 'team',
    link: 'taskUrl',
    live: true,
    variables: [
      { name: 'taskTitle', description: 'The task' },
      { name: 'projectName', description: 'Its project' },
      { name: 'authorName', description: 'The client who commented' },
      { name: 'companyName', description: 'Their company' },
      { name: 'comment', description: 'The comment, as they wrote it (Markdown source)' },
      { name: 'taskUrl', description: 'Link to the task in the team panel' },
    ],
  },
  'message-new': {
    name: 'New message',
    description:
      'A new message in a conversation, sent to people who are away (at most one per conversation per 15 minutes).',
    audience: 'any',
    link: 'messageUrl',
    live: true,
    variables: [
      { name: 'senderName', description: 'Who wrote it' },
      { name: 'projectName', description: 'The project, or the conversation’s subject when it has none' },
      { name: 'excerpt', description: 'The start of the message, as plain text' },
      { name: 'messageUrl', description: 'Link to the conversation' },
    ],
  },
  mention: {
    name: 'Mention',
    description: 'Someone mentioned the recipient in a message.',
    audience: 'any',
    link: 'mentionUrl',
    live: true,
    variables: [
      { name: 'mentionedByName', description: 'Who mentioned them' },
      { name: 'projectName', description: 'The project, or the conversation’s subject when it has none' },
      { name: 'excerpt', description: 'The message, as plain text' },
      { name: 'mentionUrl', description: 'Link to the message' },
    ],
  },
  'invoice-sent': {
    name: 'Invoice sent',
    description: 'Sends a new invoice to the client.',
    audience: 'client',
    link: 'invoiceUrl',
    live: true,
    variables: [
      ...invoiceVariables,
      { name: 'dueDate', description: 'Payment due date (date)' },
      { name: 'invoiceUrl', description: 'Link to the invoice' },
    ],
  },
  'payment-received': {
    name: 'Payment received',
    description: 'Thanks the client for a payment.',
    audience: 'client',
    link: 'invoiceUrl',
    live: true,
    variables: [
      ...invoiceVariables,
      { name: 'paidAt', description: 'When the payment arrived (date)' },
      { name: 'invoiceUrl', description: 'Link to the invoice' },
    ],
  },
  'payment-reminder': {
    name: 'Payment reminder',
    description: 'A friendly reminder before an invoice is due.',
    audience: 'client',
    link: 'invoiceUrl',
    live: true,
    variables: [
      ...invoiceVariables,
      { name: 'dueDate', description: 'Payment due date (date)' },
      { name: 'invoiceUrl', description: 'Link to the invoice' },
    ],
  },
  'payment-overdue': {
    name: 'Payment overdue',
    description: 'Tells the client an invoice is past due.',
    audience: 'client',
    link: 'invoiceUrl',
    live: true,
    variables: [
      ...invoiceVariables,
      { name: 'dueDate', description: 'The due date that has passed (date)' },
      { name: 'invoiceUrl', description: 'Link to the invoice' },
    ],
  },
  'file-shared': {
    name: 'Files shared',
    description:
      'Tells a client which files of a project were shared with them in the last hour (one email per project and hour).',
    audience: 'client',
    link: 'filesUrl',
    live: true,
    variables: [
      { name: 'sharedByName', description: 'Who shared them (the agency’s name)' },
      { name: 'projectName', description: 'The project' },
      { name: 'count', description: 'How many files' },
      { name: 'several', description: 'Whether more than one file (use {{#if several}})' },
      { name: 'files', description: 'The files (use {{#each files}})' },
      { name: 'files[].name', description: 'A file’s name' },
      { name: 'files[].size', description: 'A file’s size, e.g. 2.4 MB' },
      { name: 'filesUrl', description: 'Link to the project’s files' },
    ],
  },
  'task-assigned': {
    name: 'Assigned to a task',
    description: 'Tells a team member someone assigned them to a task (or to several at once).',
    audience: 'team',
    link: 'taskUrl',
    live: true,
    variables: [
      { name: 'taskTitle', description: 'The task (with several: how many, e.g. "3 tasks")' },
      { name: 'projectName', description: 'The task’s project (empty with several)' },
      { name: 'assignedByName', description: 'Who assigned them' },
      { name: 'count', description: 'How many tasks' },
      { name: 'several', description: 'Whether more than one task (use {{#if several}})' },
      { name: 'tasks', description: 'The tasks (use {{#each tasks}})' },
      { name: 'tasks[].title', description: 'A task’s title' },
      { name: 'tasks[].projectName', description: 'A task’s project' },
      { name: 'taskUrl', description: 'Link to the task (to their tasks with several)' },
    ],
  },
  'tasks-shared': {
    name: 'Tasks shared',
    description: 'Tells a client that tasks on one of their projects are now visible to them.',
    audience: 'client',
    link: 'projectUrl',
    live: true,
    variables: [
      { name: 'projectName', description: 'The project' },
      { name: 'sharedByName', description: 'Who shared them (the agency’s name)' },
      { name: 'count', description: 'How many tasks' },
      { name: 'several', description: 'Whether more than one task (use {{#if several}})' },
      { name: 'tasks', description: 'The tasks (use {{#each tasks}})' },
      { name: 'tasks[].title', description: 'A task’s title' },
      { name: 'projectUrl', description: 'Link to the project' },
    ],
  },
  nudge: {
    name: 'Reminder of what waits',
    description:
      'Sent when an admin nudges a client who has not signed in since files, reviews or invoices were sent to them (at most once a day).',
    audience: 'client',
    link: 'portalUrl',
    live: true,
    variables: [
      { name: 'count', description: 'How many things wait' },
      { name: 'several', description: 'Whether more than one (use {{#if several}})' },
      { name: 'items', description: 'What waits, oldest first (use {{#each items}})' },
      { name: 'items[].kind', description: 'e.g. "New file", "Waiting for your review", "Invoice to pay"' },
      { name: 'items[].title', description: 'The file, task or invoice' },
      { name: 'items[].since', description: 'When it was sent (date)' },
      { name: 'items[].linkUrl', description: 'Link to it' },
      { name: 'portalUrl', description: 'Link to their portal' },
    ],
  },
  digest: {
    name: 'Digest of what you missed',
    description:
      'One email for what someone missed while away (new messages by default, and any kind they chose as a digest), a few minutes after it waited unread.',
    audience: 'any',
    link: 'notificationsUrl',
    live: true,
    variables: [
      { name: 'count', description: 'How many items' },
      { name: 'several', description: 'Whether more than one item (use {{#if several}})' },
      { name: 'items', description: 'The items, oldest first (use {{#each items}})' },
      { name: 'items[].title', description: 'What happened, e.g. who wrote in which conversation' },
      { name: 'items[].excerpt', description: 'The start of the message or the notice’s text; may be empty' },
      { name: 'items[].unread', description: 'Unread messages in that conversation now (0 for other items)' },
      { name: 'items[].linkUrl', description: 'Link to the conversation or the item' },
      { name: 'notificationsUrl', description: 'Link to all their notifications' },
      { name: 'preferencesUrl', description: 'Link to their email choices' },
    ],
  },
  summary: {
    name: 'Daily or weekly summary',
    description:
      'Each morning or each Monday (as each person chooses): what changed on their projects, reviews waiting and invoices due. Not sent when there is nothing to say.',
    audience: 'any',
    link: 'homeUrl',
    live: true,
    variables: [
      { name: 'period', description: 'daily or weekly' },
      { name: 'weekly', description: 'Whether it is the weekly summary (use {{#if weekly}})' },
      { name: 'since', description: 'The start of the period it covers (date)' },
      { name: 'projects', description: 'What changed per project (use {{#each projects}}); may be empty' },
      { name: 'projects[].name', description: 'The project' },
      { name: 'projects[].changes', description: 'What changed, e.g. "2 tasks completed, 1 new file"' },
      { name: 'projects[].projectUrl', description: 'Link to the project' },
      { name: 'reviews', description: 'Reviews waiting (use {{#each reviews}}); may be empty' },
      { name: 'reviews[].title', description: 'The task' },
      { name: 'reviews[].projectName', description: 'Its project' },
      { name: 'reviews[].state', description: 'e.g. "waiting for your decision", "revisions requested"' },
      { name: 'reviews[].reviewUrl', description: 'Link to the task' },
      { name: 'invoices', description: 'Invoices due (use {{#each invoices}}); may be empty' },
      { name: 'invoices[].number', description: 'The invoice number' },
      { name: 'invoices[].amount', description: 'What is still owed, formatted, e.g. $1,250.00' },
      { name: 'invoices[].dueDate', description: 'When it is due (date); may be empty' },
      { name: 'invoices[].overdue', description: 'Whether it is past due' },
      { name: 'invoices[].invoiceUrl', description: 'Link to the invoice' },
      { name: 'homeUrl', description: 'Link to their portal' },
      { name: 'preferencesUrl', description: 'Link to their email choices' },
    ],
  },
  'google-joined': {
    name: 'Someone joined with Google',
    description:
      'Tells the admins that someone the agency did not know signed in with Google and became a client, with no projects and no permissions until they are given some.',
    audience: 'team',
    link: 'clientUrl',
    live: true,
    variables: [
      { name: 'personName', description: 'Their name, as Google gave it' },
      { name: 'personEmail', description: 'Their Google address (verified by Google)' },
      { name: 'companyName', description: 'The client company made for them, in their name' },
      { name: 'clientUrl', description: 'Link to the client, to give them projects and permissions' },
    ],
  },
};

const info = (key: TemplateKey): TemplateInfo => ({ key, ...definitions[key], sample: samples[key] });

export const TEMPLATE_INFO: Readonly<Record<TemplateKey, TemplateInfo>> = Object.fromEntries(
  TEMPLATE_KEYS.map((key) => [key, info(key)]),
) as Record<TemplateKey, TemplateInfo>;

export function isTemplateKey(value: unknown): value is TemplateKey {
  return typeof value === 'string' && (TEMPLATE_KEYS as readonly string[]).includes(value);
}
