import { z } from 'zod';
import { ROLES } from '@ferry/contracts';
import { requestSchema } from '../http/operation';
import { oneOf, quayObject, text } from '../http/request-body';

const ROLE = oneOf(ROLES, `is required: one of ${ROLES.join(', ')}`);

/** Quay's `NewPrototype`: the role, who gets it (a user or robot of kind `user`, or a team of kind `team`) and, optionally, whose new repositories alone. */
export const CREATE_PROTOTYPE_BODY = requestSchema(
  'CreatePrototypeRequest',
  quayObject({
    role: ROLE,
    delegate: z.object({ name: text(255, 'is required: the user, robot or team to grant'), kind: oneOf(['user', 'team'], 'is required: user or team') }, { error: 'is required: {"name", "kind"}' }),
    activating_user: z.object({ name: text(255, 'is required: the user whose new repositories alone get it') }, { error: 'must be {"name"} or null' }).nullable().optional(),
  }),
  { quay: true },
);

/** Quay's `PrototypeUpdate`: the new role. */
export const UPDATE_PROTOTYPE_BODY = requestSchema('UpdatePrototypeRequest', quayObject({ role: ROLE }), { quay: true });
