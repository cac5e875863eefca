import { DataSource } from 'typeorm';
import { MirrorRow } from './entities/mirror.entity';
import { RunRow } from './entities/run.entity';
import { RunTagRow } from './entities/run-tag.entity';
import { TagRow } from './entities/tag.entity';
import { RobotRow } from './entities/robot.entity';
import { NotificationRuleRow } from './entities/notification-rule.entity';
import { EventLogRow } from './entities/event-log.entity';
import { DueMirrorRow } from './entities/due-mirror.entity';
import { DueOrgMirrorRow } from './entities/due-org-mirror.entity';
import { NotificationDeliveryRow } from './entities/notification-delivery.entity';
import { NotificationDeliveryAttemptRow } from './entities/notification-delivery-attempt.entity';
import { UserNotificationRow } from './entities/user-notification.entity';
import { ProjectionCheckpointRow } from './entities/projection-checkpoint.entity';
import { TagHistoryRow } from './entities/tag-history.entity';
import { OrgMirrorRepositoryRow, OrgMirrorRow } from './entities/org-mirror.entity';
import { OrgMirrors1764830000000 } from './migrations/1764830000000-org-mirrors';
import { TagHistory1764820000000 } from './migrations/1764820000000-tag-history';
import { DueOrgMirrors1764835000000 } from './migrations/1764835000000-due-org-mirrors';
import { PushHooks1764840000000 } from './migrations/1764840000000-push-hooks';
import { NotificationRuleFailures1764866000000 } from './migrations/1764866000000-notification-rule-failures';
import { TagVerification1764871000000 } from './migrations/1764871000000-tag-verification';
import { UserEnabled1764852310000 } from './migrations/1764852310000-user-enabled';
import { HookDeliveryRow, HookRow } from './entities/hook.entity';
import { Initial1764300000000 } from './migrations/1764300000000-initial';
import { Notifications1764400000000 } from './migrations/1764400000000-notifications';
import { RunTargetCheck1764500000000 } from './migrations/1764500000000-run-target-check';
import { Identity1764600000000 } from './migrations/1764600000000-identity';
import { MirrorTagRule1764700000000 } from './migrations/1764700000000-mirror-tag-rule';
import { MirrorLastSuccess1764810000000 } from './migrations/1764810000000-mirror-last-success';
import { ApiTokenRow, ApiTokenUsageRow, OrganizationRow, PermissionRow, RepositoryRow, UserRow } from './entities/identity.entities';
import { TeamMemberRow, TeamRow } from './entities/team.entity';
import { Teams1764852300000 } from './migrations/1764852300000-teams';
import { OAuthApplications1764870500000 } from './migrations/1764870500000-oauth-applications';
import { OAuthApplicationRow } from './entities/oauth-application.entity';
import { RepositoryUsageRow } from './entities/repository-usage.entity';
import { RepositoryUsage1764880000000 } from './migrations/1764880000000-repository-usage';

export const ENTITIES = [
  OAuthApplicationRow,
  MirrorRow,
  RunRow,
  RunTagRow,
  TagRow,
  TagHistoryRow,
  RobotRow,
  NotificationRuleRow,
  EventLogRow,
  DueMirrorRow,
  DueOrgMirrorRow,
  NotificationDeliveryRow,
  NotificationDeliveryAttemptRow,
  UserNotificationRow,
  ProjectionCheckpointRow,
  UserRow,
  ApiTokenRow,
  ApiTokenUsageRow,
  OrganizationRow,
  RepositoryRow,
  PermissionRow,
  OrgMirrorRow,
  OrgMirrorRepositoryRow,
  HookRow,
  HookDeliveryRow,
  TeamRow,
  TeamMemberRow,
  RepositoryUsageRow,
];

/** Any fixed number; every Ferry process that migrates takes this lock first. */
const MIGRATION_LOCK = 0x0fe77;

/**
 * Connects to Postgres and applies pending migrations (never `synchronize`). Services start
 * together, so migrations run under an advisory lock: the first migrates, the rest wait and find
 * nothing left to do.
 */
export async function openDatabase(url: string, options: { poolSize?: number } = {}): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [Initial1764300000000, Notifications1764400000000, RunTargetCheck1764500000000, Identity1764600000000, MirrorTagRule1764700000000, MirrorLastSuccess1764810000000, TagHistory1764820000000, OrgMirrors1764830000000, DueOrgMirrors1764835000000, PushHooks1764840000000, Teams1764852300000, UserEnabled1764852310000, NotificationRuleFailures1764866000000, OAuthApplications1764870500000, TagVerification1764871000000, RepositoryUsage1764880000000],
    synchronize: false,
    migrationsTableName: 'ferry_migrations',
    extra: { max: options.poolSize ?? 10 },
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
