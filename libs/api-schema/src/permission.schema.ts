import { z } from 'zod';
import { ROLES } from '@ferry/contracts';
import { responseSchema } from './response-schema';
import { AVATAR } from './quay.schema';

/** A user's or robot's role on a repository or organization, as Quay shows it. */
export const PERMISSION_VIEW = responseSchema('Permission', z.object({ role: z.enum(ROLES), name: z.string(), is_robot: z.boolean(), avatar: AVATAR, is_org_member: z.boolean() }));
export type PermissionView = z.output<typeof PERMISSION_VIEW>;

/** Quay's list: each principal's name to its permission. */
export const PERMISSION_LIST = responseSchema('PermissionList', z.object({ permissions: z.record(z.string(), PERMISSION_VIEW) }));
export type PermissionListView = z.output<typeof PERMISSION_LIST>;
