import type { ProjectionGroup } from './projection-runner';
import { eventLogProjection } from './projections/event-log.projection';
import { mirrorsProjection } from './projections/mirrors.projection';
import { runsProjection } from './projections/runs.projection';
import { tagsProjection } from './projections/tags.projection';
import { tagHistoryProjection } from './projections/tag-history.projection';
import { robotsProjection } from './projections/robots.projection';
import { notificationRulesProjection } from './projections/notification-rules.projection';
import { dueMirrorsProjection } from './projections/due-mirrors.projection';
import { dueOrgMirrorsProjection } from './projections/due-org-mirrors.projection';
import { usersProjection } from './projections/identity.projection';
import { namespacesProjection } from './projections/namespaces.projection';
import { orgMirrorsProjection } from './projections/org-mirrors.projection';
import { hooksProjection } from './projections/hooks.projection';
import { teamsProjection } from './projections/teams.projection';
import { oauthApplicationsProjection } from './projections/oauth-applications.projection';
import { repositoryUsageProjection } from './projections/repository-usage.projection';

/** The read models behind the HTTP API; mirror-config runs this group. */
export const apiReadModels: ProjectionGroup = {
  name: 'api-read-models',
  projections: [eventLogProjection, mirrorsProjection, runsProjection, tagsProjection, tagHistoryProjection, robotsProjection, notificationRulesProjection, usersProjection, namespacesProjection, orgMirrorsProjection, hooksProjection, teamsProjection, oauthApplicationsProjection, repositoryUsageProjection],
};

/** The scheduler's indexes of due mirrors and due organization discoveries; the scheduler runs this group. */
export const schedulerReadModels: ProjectionGroup = {
  name: 'scheduler-due-mirrors',
  projections: [dueMirrorsProjection, dueOrgMirrorsProjection],
};
