import { In, type EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { HookDeliveryRow, HookRow } from '../entities/hook.entity';
import type { Projection } from '../projection-runner';

/**
 * Hooks, and the deliveries each received, for the API (and for checking a delivery's secret). A
 * mirror's hooks go with it: a mirror made again under the same name does not inherit them.
 */
export const hooksProjection: Projection = {
  tables: ['hooks', 'hook_deliveries'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const hooks = em.getRepository(HookRow);
    switch (event.type) {
      case 'HookCreated': {
        const { hookId, namespace, owner, verification, secretHash, sealedSecret } = event.data;
        await hooks.upsert(
          {
            hookId,
            namespace,
            mirrorId: owner.kind === 'mirror' ? owner.mirrorId : null,
            organization: owner.kind === 'org-mirror' ? owner.organization : null,
            verification,
            secretHash,
            sealedSecret,
            createdAt: new Date(event.occurredAt),
            secretRotatedAt: null,
            lastDeliveryAt: null,
          },
          ['hookId'],
        );
        return;
      }
      case 'HookSecretRotated':
        await hooks.update({ hookId: event.data.hookId }, { secretHash: event.data.secretHash, sealedSecret: event.data.sealedSecret, secretRotatedAt: new Date(event.occurredAt) });
        return;
      case 'HookDeleted':
        await hooks.delete({ hookId: event.data.hookId });
        await em.getRepository(HookDeliveryRow).delete({ hookId: event.data.hookId });
        return;
      case 'HookDeliveryRecorded': {
        const { hookId, deliveryId, sender, receivedAt, results } = event.data;
        await em.getRepository(HookDeliveryRow).upsert({ deliveryId, hookId, sender, receivedAt: new Date(receivedAt), results }, ['deliveryId']);
        await hooks.update({ hookId }, { lastDeliveryAt: new Date(receivedAt) });
        return;
      }
      case 'MirrorDeleted':
        await removeHooks(em, { mirrorId: event.data.mirrorId });
        return;
      case 'OrgMirrorDeleted':
        await removeHooks(em, { organization: event.data.organization });
        return;
      default:
        return;
    }
  },
};

async function removeHooks(em: EntityManager, owner: { mirrorId: string } | { organization: string }): Promise<void> {
  const hooks = await em.getRepository(HookRow).findBy(owner);
  if (hooks.length === 0) return;
  await em.getRepository(HookDeliveryRow).delete({ hookId: In(hooks.map((h) => h.hookId)) });
  await em.getRepository(HookRow).delete(owner);
}
