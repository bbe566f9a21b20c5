import { schema } from '@foyer/db';
import { SLUG } from '@foyer/names';
import { z } from 'zod';
import { HEX_COLOR } from '../branding/contrast';
import { THEMES } from '../branding/types';
import { cleanName } from '../files/common';

const person = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  /** Demo password: stored only as its argon2id hash. */
  password: z.string().min(12).max(128),
});

const text = (max: number) => z.string().trim().min(1).max(max);

/** A name as the files area accepts it (1 to `max` characters, no `/`, `\` or control characters). */
const fileName = (max: number) =>
  z.string().refine((name) => cleanName(name, max) === name, `use 1 to ${max} characters, without / or \\`);

/** Folders as `Brand/Logos`: each level a folder name, at most ten deep (as the files area allows). */
const folderPath = z.string().refine((path) => {
  const names = path.split('/');
  return names.length <= 10 && names.every((name) => cleanName(name, 120) === name);
}, 'folder names of 1 to 120 characters separated by /, at most ten deep');

/**
 * A demo file, made when the agency is applied (see demo-files.ts): a PDF with a heading and
 * lines, or an abstract PNG in the given colours (the brand's when none are given).
 */
const demoFile = z.object({
  name: fileName(255),
  /** Where it goes, created as needed; the top of the project when absent. */
  folder: folderPath.optional(),
  kind: z.enum(['pdf', 'png']),
  /** The PDF's heading; the file name without its extension when absent. */
  title: text(200).optional(),
  /** The PDF's body, one paragraph each (an empty string is a blank line). */
  lines: z.array(z.string().max(2000)).max(200).default([]),
  /** The PNG's colours, `#rrggbb`. */
  colours: z.array(z.string().regex(HEX_COLOR, 'must be #rrggbb')).max(8).optional(),
  /**
   * The uploader, by email: the admin, a staff member on the project, or a contact on it (whose
   * upload lands at the top of the project, as clients' uploads do; clientVisible shares it with
   * the other clients under the company's name).
   */
  by: z.email(),
  clientVisible: z.boolean().default(false),
  daysAgo: z.number().min(0).max(365).default(1),
});

/** A calendar date, `YYYY-MM-DD`. */
const isoDate = z.iso.date();

/** `tenants/<slug>/tenant.json`: one demo agency, declared. */
export const tenantManifest = z
  .object({
    slug: z.string().regex(SLUG, 'lower-case letters, digits and dashes, 3 to 40 characters'),
    name: text(120),
    brand: z.object({
      displayName: text(120).optional(),
      primaryColor: z.string().regex(HEX_COLOR, 'must be #rrggbb'),
      accentColor: z.string().regex(HEX_COLOR, 'must be #rrggbb'),
      theme: z.enum(THEMES),
      /** File beside tenant.json: PNG, JPEG or WebP. */
      logo: z
        .string()
        .regex(/^[\w.-]+\.(png|jpe?g|webp)$/i)
        .optional(),
      welcomeText: text(500).optional(),
    }),
    contact: z
      .object({
        email: z.email().optional(),
        phone: text(40).optional(),
        website: z.url({ protocol: /^https?$/ }).optional(),
        address: text(300).optional(),
      })
      .default({}),
    admin: person,
    /**
     * Conversations, started by `by` (the admin or a staff member) with `people` (by email): a
     * project discussion (with `project`, whose people they must be), a direct message (one
     * contact and team members) or an internal chat (the team only). Messages oldest first, each
     * in its author's name, `minutesAgo` when it was posted. Applied once: a conversation whose
     * subject is already there is left as it is.
     */
    conversations: z
      .array(
        z.object({
          kind: z.enum(['project', 'direct', 'internal']),
          title: text(200),
          project: text(200).optional(),
          by: z.email(),
          people: z.array(z.email()).default([]),
          messages: z
            .array(
              z.object({
                author: z.email(),
                body: text(20000),
                minutesAgo: z.number().int().min(0).max(525600).default(60),
              }),
            )
            .default([]),
        }),
      )
      .default([]),
    /** Tenant-wide work settings. */
    work: z
      .object({ clientsSeeAssignees: z.boolean().default(false) })
      .default({ clientsSeeAssignees: false }),
    /**
     * Sign-in settings (Settings → Security): "Sign in with Google" shows on the sign-in page when
     * the platform also has Google credentials. Absent: whatever the agency chose is kept.
     */
    security: z
      .object({ googleSignIn: z.boolean().default(false), googleRegistration: z.boolean().default(false) })
      .optional(),
    /** Invoicing settings and tax rates (rates in basis points: 20 % is 2000). */
    invoicing: z
      .object({
        numberPrefix: z.string().regex(/^[A-Za-z0-9/_-]{1,20}$/),
        defaultCurrency: z.string().regex(/^[A-Z]{3}$/),
        defaultDueDays: z.number().int().min(0).max(365).default(30),
        taxRates: z
          .array(
            z.object({
              name: text(100),
              rateBasisPoints: z.number().int().min(0).max(100_000),
              inclusive: z.boolean().default(false),
            }),
          )
          .default([]),
        /**
         * Demo invoices, written once (when the tenant has none): dates are days from the day the
         * tenant is applied, so a demo always shows one sent last week and one overdue. `state`
         * says what happened to it: paid, partly paid, viewed, overdue (with its reminders), void…
         */
        invoices: z
          .array(
            z.object({
              company: text(200),
              contact: z.email().optional(),
              project: text(200).optional(),
              currency: z
                .string()
                .regex(/^[A-Z]{3}$/)
                .optional(),
              issuedDaysAgo: z.number().int().min(0).max(400),
              dueInDays: z.number().int().min(0).max(365),
              state: z.enum([
                'draft',
                'sent',
                'viewed',
                'partially_paid',
                'paid',
                'overdue',
                'void',
                'partially_refunded',
              ]),
              discountPercent: z.number().min(0).max(100).optional(),
              notes: text(2000).optional(),
              voidReason: text(500).optional(),
              /** A retainer: copied every month or quarter from a period after its issue date. */
              repeat: z
                .object({ every: z.enum(['month', 'quarter']), send: z.boolean().default(false) })
                .optional(),
              lines: z
                .array(
                  z.object({
                    description: text(2000),
                    quantity: z.string().regex(/^\d+(\.\d{1,3})?$/),
                    unitPrice: z.string().regex(/^\d+(\.\d{1,4})?$/),
                    taxes: z.array(text(100)).default([]),
                  }),
                )
                .min(1),
              /** Payments (or refunds, negative), each as an amount and days after the issue date. */
              payments: z
                .array(
                  z.object({
                    amount: z.string(),
                    afterDays: z.number().int().min(0),
                    method: text(100),
                    reference: text(200).default(''),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      })
      .optional(),
    /** Staff logins, each assigned to the projects that list them. */
    staff: z.array(person).default([]),
    /** Client companies and their contacts: each contact is one account with its own permissions. */
    companies: z
      .array(
        z.object({
          name: text(200),
          contacts: z
            .array(
              person.extend({
                permissions: z.array(z.enum(schema.clientPermissions)),
              }),
            )
            .min(1),
        }),
      )
      .min(1),
    projects: z
      .array(
        z.object({
          name: text(200),
          /** The owning company, by name; one of `companies`. */
          company: text(200).optional(),
          description: text(2000).optional(),
          status: z.enum(schema.projectStatuses).default('active'),
          startDate: isoDate.optional(),
          deadline: isoDate.optional(),
          /** Contacts assigned, by email; each one of a company's contacts. */
          clients: z.array(z.email()).default([]),
          /** Staff assigned, by email; each one of `staff`. */
          staff: z.array(z.email()).default([]),
          /** Whether new tasks and milestones start client-visible. */
          tasksVisibleByDefault: z.boolean().default(false),
          milestones: z
            .array(
              z.object({
                name: text(200),
                description: text(2000).optional(),
                targetDate: isoDate.optional(),
                completed: z.boolean().default(false),
                clientVisible: z.boolean().default(false),
              }),
            )
            .default([]),
          tasks: z
            .array(
              z.object({
                title: text(300),
                /** Markdown. */
                description: text(20000).optional(),
                status: z.enum(['todo', 'in_progress', 'review', 'done']).default('todo'),
                priority: z.enum(schema.taskPriorities).default('none'),
                dueDate: isoDate.optional(),
                /** One of the project's milestones, by name. */
                milestone: text(200).optional(),
                /** The admin or staff on the project, by email. */
                assignees: z.array(z.email()).default([]),
                clientVisible: z.boolean().default(false),
                /**
                 * The task's comments, oldest first. `author` is the admin, a staff member or a
                 * contact on the project, by email; a contact's comment marked clientVisible was
                 * shared with the project's other clients by the team.
                 */
                comments: z
                  .array(
                    z.object({
                      author: z.email(),
                      body: text(20000),
                      clientVisible: z.boolean().default(false),
                      daysAgo: z.number().min(0).max(365).default(1),
                    }),
                  )
                  .default([]),
                /**
                 * Client review: the rounds the team submitted, oldest first, each with its
                 * deliverables (the project's files by name, and links), reviewers (contacts on the
                 * project holding `review`) and their decisions. Applied with the files, in the
                 * people's own names, so the trail is written as it would be in use.
                 */
                review: z
                  .object({
                    rounds: z
                      .array(
                        z.object({
                          by: z.email(),
                          note: text(5000).optional(),
                          files: z.array(text(255)).default([]),
                          links: z.array(z.object({ url: z.url(), label: text(200) })).default([]),
                          reviewers: z.array(z.email()).min(1),
                          decisions: z
                            .array(
                              z.object({
                                by: z.email(),
                                decision: z.enum(['approved', 'revisions']),
                                comment: text(5000).optional(),
                                pin: z
                                  .object({
                                    deliverable: z.number().int().min(0),
                                    x: z.number().min(0).max(1).optional(),
                                    y: z.number().min(0).max(1).optional(),
                                    page: z.number().int().min(1).optional(),
                                  })
                                  .optional(),
                              }),
                            )
                            .default([]),
                        }),
                      )
                      .min(1),
                  })
                  .optional(),
              }),
            )
            .default([]),
          /** Files in the project's files area; applied only when the caller gives a store. */
          files: z.array(demoFile).default([]),
        }),
      )
      .default([]),
  })
  .superRefine((manifest, context) => {
    const companies = new Set(manifest.companies.map((c) => c.name));
    const contacts = new Set(manifest.companies.flatMap((c) => c.contacts.map((p) => p.email.toLowerCase())));
    const staff = new Set(manifest.staff.map((p) => p.email.toLowerCase()));
    const permissionsOf = new Map(
      manifest.companies.flatMap((c) =>
        c.contacts.map((p) => [p.email.toLowerCase(), p.permissions] as const),
      ),
    );
    for (const [i, project] of manifest.projects.entries()) {
      if (project.company && !companies.has(project.company))
        context.addIssue({
          code: 'custom',
          path: ['projects', i, 'company'],
          message: 'names no company above',
        });
      for (const [j, email] of project.clients.entries())
        if (!contacts.has(email.toLowerCase()))
          context.addIssue({
            code: 'custom',
            path: ['projects', i, 'clients', j],
            message: 'names no contact above',
          });
      for (const [j, email] of project.staff.entries())
        if (!staff.has(email.toLowerCase()))
          context.addIssue({
            code: 'custom',
            path: ['projects', i, 'staff', j],
            message: 'names no staff member above',
          });
      const milestones = new Set(project.milestones.map((m) => m.name));
      const team = new Set([
        manifest.admin.email.toLowerCase(),
        ...project.staff.map((e) => e.toLowerCase()),
      ]);
      const onProject = new Set([...team, ...project.clients.map((e) => e.toLowerCase())]);
      for (const [j, task] of project.tasks.entries()) {
        if (task.milestone && !milestones.has(task.milestone))
          context.addIssue({
            code: 'custom',
            path: ['projects', i, 'tasks', j, 'milestone'],
            message: 'names no milestone of this project',
          });
        for (const [k, email] of task.assignees.entries())
          if (!team.has(email.toLowerCase()))
            context.addIssue({
              code: 'custom',
              path: ['projects', i, 'tasks', j, 'assignees', k],
              message: 'names neither the admin nor a staff member on this project',
            });
        for (const [k, comment] of task.comments.entries())
          if (!onProject.has(comment.author.toLowerCase()))
            context.addIssue({
              code: 'custom',
              path: ['projects', i, 'tasks', j, 'comments', k, 'author'],
              message: 'names nobody on this project',
            });
      }
      const places = new Set<string>();
      for (const [j, file] of project.files.entries()) {
        const at = (field: string) => ['projects', i, 'files', j, field];
        const by = file.by.toLowerCase();
        const place = `${(file.folder ?? '').toLowerCase()}/${file.name}`;
        if (places.has(place))
          context.addIssue({ code: 'custom', path: at('name'), message: 'names a file twice in one folder' });
        places.add(place);
        if (team.has(by)) continue;
        if (!project.clients.some((email) => email.toLowerCase() === by)) {
          context.addIssue({
            code: 'custom',
            path: at('by'),
            message: 'names neither the admin, a staff member nor a contact on this project',
          });
          continue;
        }
        // A client uploads as the portal lets them: to the top of a project they can open.
        const permissions = permissionsOf.get(by) ?? [];
        if (!permissions.includes('projects') || !permissions.includes('files.upload'))
          context.addIssue({
            code: 'custom',
            path: at('by'),
            message: 'names a contact without the Projects and Files upload permissions',
          });
        if (project.status === 'archived')
          context.addIssue({
            code: 'custom',
            path: at('by'),
            message: 'names a contact, who cannot upload to an archived project',
          });
        if (file.folder !== undefined)
          context.addIssue({
            code: 'custom',
            path: at('folder'),
            message: 'is not allowed: a client’s upload lands at the top of the project',
          });
      }
      if (project.startDate && project.deadline && project.deadline < project.startDate)
        context.addIssue({
          code: 'custom',
          path: ['projects', i, 'deadline'],
          message: 'is before the start date',
        });
    }
    const teamEmails = new Set([manifest.admin.email.toLowerCase(), ...staff]);
    for (const [i, talk] of manifest.conversations.entries()) {
      const at = (...path: (string | number)[]) => ['conversations', i, ...path];
      const issue = (path: (string | number)[], message: string) =>
        context.addIssue({ code: 'custom', path, message });
      if (!teamEmails.has(talk.by.toLowerCase()))
        issue(at('by'), 'names neither the admin nor a staff member');
      const project = talk.project ? manifest.projects.find((p) => p.name === talk.project) : undefined;
      if (talk.project && !project) issue(at('project'), 'names no project above');
      if (talk.kind === 'project' && !talk.project)
        issue(at('project'), 'is required for a project discussion');
      if (talk.kind === 'direct' && talk.project)
        issue(at('project'), 'is not allowed: a direct message has none');
      const clientsIn = talk.people.filter((email) => contacts.has(email.toLowerCase()));
      for (const [j, email] of talk.people.entries()) {
        const who = email.toLowerCase();
        if (!teamEmails.has(who) && !contacts.has(who)) issue(at('people', j), 'names nobody above');
        else if (contacts.has(who) && talk.kind === 'internal')
          issue(at('people', j), 'names a contact in an internal chat');
        else if (contacts.has(who) && !(permissionsOf.get(who) ?? []).includes('messages'))
          issue(at('people', j), 'names a contact without the Messages permission');
        else if (contacts.has(who) && project && !project.clients.some((c) => c.toLowerCase() === who))
          issue(at('people', j), 'names a contact who is not on the project');
      }
      if (talk.kind === 'direct' && clientsIn.length !== 1)
        issue(at('people'), 'must name exactly one contact');
      const inIt = new Set([talk.by.toLowerCase(), ...talk.people.map((e) => e.toLowerCase())]);
      for (const [j, message] of talk.messages.entries())
        if (!inIt.has(message.author.toLowerCase()))
          issue(at('messages', j, 'author'), 'names nobody in this conversation');
    }
  });

export type TenantManifest = z.infer<typeof tenantManifest>;
