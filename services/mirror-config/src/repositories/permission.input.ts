import { ROLES } from '@ferry/contracts';
import { requestSchema } from '../http/operation';
import { oneOf, quayObject } from '../http/request-body';

/** PUT .../permissions/user/{username}: the role to grant. */
export const SET_PERMISSION_BODY = requestSchema('SetPermissionRequest', quayObject({ role: oneOf(ROLES, `must be one of ${ROLES.join(', ')}`) }), { quay: true });
