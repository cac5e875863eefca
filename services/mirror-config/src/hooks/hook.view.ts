import type { HookDeliveryRow, HookRow } from '@ferry/read-models';
import type { HookView } from '@ferry/api-schema';

// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { HOOK_DELIVERY_ANSWER, HOOK_DELIVERY_LIST, HOOK_LIST, HOOK_VIEW, type HookView } from '@ferry/api-schema';

export function hookView(row: HookRow, secret?: string): HookView {
  return {
    id: row.hookId,
    url: `/api/v1/hooks/${row.hookId}`,
    repository: row.mirrorId,
    organization: row.organization,
    verification: row.verification,
    created: row.createdAt.toISOString(),
    secret_rotated: row.secretRotatedAt?.toISOString() ?? null,
    last_delivery: row.lastDeliveryAt?.toISOString() ?? null,
    ...(secret === undefined ? {} : { secret }),
  };
}

export function deliveryView(row: HookDeliveryRow) {
  return {
    id: row.deliveryId,
    sender: row.sender,
    received: row.receivedAt.toISOString(),
    results: row.results.map((r) => ({ repository: r.repository, tags: r.tags, outcome: r.outcome, detail: r.detail, mirror: r.mirrorId })),
  };
}
