import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Role } from '@ferry/contracts';
import type { Caller, Grants, Target } from '@ferry/identity';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** The roles a caller holds on what a request names, from the `permissions` read model. */
@Injectable()
export class GrantLookup {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** What a caller holds on the organization `namespace` and on `namespace/repository`: one indexed query. */
  async grantsOf(caller: Caller, target: Target): Promise<Grants> {
    if (!target.namespace) return { organization: null, repository: null };
    const rows: { repository: string; role: Role }[] = await this.dataSource.query(
      `SELECT repository, role FROM permissions
        WHERE namespace = $1 AND repository IN ('', $2) AND principal_kind = $3 AND principal_name = $4`,
      [target.namespace, target.repository ?? '', caller.kind, caller.username],
    );
    return {
      organization: rows.find((r) => r.repository === '')?.role ?? null,
      repository: target.repository ? (rows.find((r) => r.repository === target.repository)?.role ?? null) : null,
    };
  }
}
