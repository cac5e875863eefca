import { z } from 'zod';
import { responseSchema } from './response-schema';
import { AVATAR } from './quay.schema';

/** A user or robot as Quay shows it in a default permission. */
const PROTOTYPE_USER = z.object({ name: z.string(), is_robot: z.boolean(), kind: z.literal('user'), is_org_member: z.boolean(), avatar: AVATAR });

/** A team as Quay shows it in a default permission: its members get the role through it. */
const PROTOTYPE_TEAM = z.object({ name: z.string(), kind: z.literal('team'), avatar: AVATAR });

/** Quay's `prototype_view`: one default permission of an organization. */
export const PROTOTYPE_VIEW = responseSchema(
  'Prototype',
  z.object({ activating_user: PROTOTYPE_USER.nullable(), delegate: z.union([PROTOTYPE_USER, PROTOTYPE_TEAM]), role: z.enum(['read', 'write', 'admin']), id: z.string() }),
);
export type PrototypeView = z.output<typeof PROTOTYPE_VIEW>;

export const PROTOTYPE_LIST = responseSchema('PrototypeList', z.object({ prototypes: z.array(PROTOTYPE_VIEW) }));
