import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../client';

export interface PaymentRoute {
  tenantId: string;
  gatewayId: string;
  kind: string;
}

/**
 * The tenant and gateway a notification belongs to: by the endpoint id in its URL (an agency's
 * own credentials), or by the connected account a verified Connect event names. Null when none
 * (or the tenant is suspended).
 */
export async function route(
  h: DatabaseHandle,
  by: { endpointId: string } | { kind: string; account: string },
): Promise<PaymentRoute | null> {
  const endpoint = 'endpointId' in by ? by.endpointId : null;
  const kind = 'kind' in by ? by.kind : null;
  const account = 'account' in by ? by.account : null;
  const [found] = await h.rows<{ tenant_id: string; gateway_id: string; kind: string }>(
    sql`select tenant_id::text, gateway_id::text, kind
          from app_system.payment_route(${endpoint}::uuid, ${kind}::text, ${account}::text)`,
  );
  return found ? { tenantId: found.tenant_id, gatewayId: found.gateway_id, kind: found.kind } : null;
}
