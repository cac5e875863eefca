import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { mirrorId, type HookOwner, type MirrorConfig } from '@ferry/contracts';
import { HookDeliveryRow, HookRow, MirrorRow, OrgMirrorRepositoryRow, OrgMirrorRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

const ownerWhere = (owner: HookOwner) => (owner.kind === 'mirror' ? { mirrorId: owner.mirrorId } : { organization: owner.organization });

/** What the hook routes and the deliveries read: the hooks' read models and the mirrors a push is for. */
@Injectable()
export class HookQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  hook(hookId: string): Promise<HookRow | null> {
    return this.dataSource.getRepository(HookRow).findOneBy({ hookId });
  }

  /** The owner's hook: a hook of another mirror is as absent as one that does not exist. */
  ownedHook(owner: HookOwner, hookId: string): Promise<HookRow | null> {
    return this.dataSource.getRepository(HookRow).findOneBy({ hookId, ...ownerWhere(owner) });
  }

  hooksOf(owner: HookOwner): Promise<HookRow[]> {
    return this.dataSource.getRepository(HookRow).find({ where: ownerWhere(owner), order: { createdAt: 'ASC' } });
  }

  /** The hook's last `limit` deliveries, newest first. */
  deliveries(hookId: string, limit: number): Promise<HookDeliveryRow[]> {
    return this.dataSource.getRepository(HookDeliveryRow).find({ where: { hookId }, order: { receivedAt: 'DESC' }, take: limit });
  }

  /** A mirror's settings, or null when it has none (deleted since the hook was made). */
  async mirrorConfig(id: string): Promise<MirrorConfig | null> {
    return (await this.dataSource.getRepository(MirrorRow).findOneBy({ mirrorId: id }))?.state.config ?? null;
  }

  orgMirror(organization: string): Promise<OrgMirrorRow | null> {
    return this.dataSource.getRepository(OrgMirrorRow).findOneBy({ organization });
  }

  /** The repository an organization mirror keeps for an upstream path (relative to its namespace), with its mirror's settings. */
  async orgMirrorChild(organization: string, upstream: string): Promise<{ mirrorId: string; config: MirrorConfig | null } | null> {
    const known = await this.dataSource.getRepository(OrgMirrorRepositoryRow).findOneBy({ organization, upstream });
    if (!known) return null;
    const id = mirrorId(organization, known.repository);
    return { mirrorId: id, config: await this.mirrorConfig(id) };
  }
}
