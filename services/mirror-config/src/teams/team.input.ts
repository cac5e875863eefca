import { z } from 'zod';
import { ROLES, TEAM_ROLES } from '@ferry/contracts';
import { requestSchema } from '../http/operation';
import { oneOf, quayObject, text } from '../http/request-body';

/** PUT /organization/{org}/team/{team}: Quay's body, the team's role and (optionally) its description. */
export const SAVE_TEAM_BODY = requestSchema(
  'SaveTeamRequest',
  quayObject({ role: oneOf(TEAM_ROLES, `must be one of ${TEAM_ROLES.join(', ')}`), description: text(1024).optional() }),
  { quay: true },
);

/** PUT /repository/{ns}/{repo}/permissions/team/{team}: the role to grant the team. */
export const SET_TEAM_PERMISSION_BODY = requestSchema('SetTeamPermissionRequest', quayObject({ role: oneOf(ROLES, `must be one of ${ROLES.join(', ')}`) }), { quay: true });

const TRUTHY = z.string().max(16).optional().meta({ description: 'Quay\'s truthy flag: `true`, `1`, `yes` or `y` (any case); anything else is false.' });

/** GET /entities/{prefix}: Quay's query parameters. */
export const ENTITY_SEARCH_QUERY = z.object({
  namespace: z.string().max(255).optional().meta({ description: 'The organization (or the caller\'s own namespace) whose robots, teams and members are looked up too.' }),
  includeTeams: TRUTHY,
  includeOrgs: TRUTHY,
});

/** Quay's `truthy_bool`. */
export const truthy = (value: string | undefined): boolean => value !== undefined && ['true', '1', 'yes', 'y'].includes(value.toLowerCase());
