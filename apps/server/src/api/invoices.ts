import { clientInvoices, INVOICES_PAGE_SIZE, listInvoices } from '@foyer/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { access } from '../access';
import type { AppEnv } from '../app';

const statuses = [
  'draft',
  'sent',
  'viewed',
  'partially_paid',
  'paid',
  'overdue',
  'refunded',
  'partially_refunded',
  'void',
] as const;

const Invoice = z
  .object({
    id: z.string().uuid(),
    number: z.string().nullable().openapi({ description: 'Null for a draft (admins only)' }),
    status: z.enum(statuses),
    statusLabel: z.string(),
    clientId: z.string().uuid(),
    buyerName: z.string(),
    projectId: z.string().uuid().nullable(),
    projectName: z.string().nullable(),
    currency: z.string().openapi({ example: 'EUR' }),
    issueDate: z.string().openapi({ description: 'YYYY-MM-DD' }),
    dueDate: z.string().openapi({ description: 'YYYY-MM-DD' }),
    totalMinor: z.number().int().openapi({ description: 'In the currency’s minor units' }),
    balanceMinor: z.number().int().openapi({ description: 'What is still owed, in minor units' }),
    total: z.string().openapi({ example: '€1,250.00' }),
    balance: z.string(),
  })
  .openapi('Invoice');

const route = createRoute({
  method: 'get',
  path: '/invoices',
  summary: 'Invoices',
  description:
    'For a client with the Invoices permission: the issued invoices addressed to them or their company, newest first. For an admin: every invoice, drafts first. Staff see none. 25 per page.',
  middleware: access('signed-in'),
  request: {
    query: z.object({
      page: z.string().max(12).optional().openapi({ description: 'From 1' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of invoices',
      content: {
        'application/json': {
          schema: z.object({
            items: z.array(Invoice),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
        },
      },
    },
    401: { description: 'Not signed in' },
    403: { description: 'A client without the Invoices permission' },
  },
});

export function invoicesRoute(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { page } = c.req.valid('query');
    // One transaction, whose first statement looks the session up and sets its context.
    const result = await c.get('asSession')(async (ctx) => {
      const input = { page: page ?? 1 };
      if (ctx.actor?.kind === 'admin') return listInvoices({ ctx, input });
      // Invoicing is the admins' business: staff see none, as the database would show them.
      if (ctx.actor?.kind === 'staff') return { items: [], total: 0, page: 1, pageSize: INVOICES_PAGE_SIZE };
      return clientInvoices({ ctx, input });
    });
    return c.json(result, 200);
  });
}
