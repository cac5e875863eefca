import { z } from 'zod';
import { SCOPES, usernameProblem } from '@ferry/contracts';
import { passwordProblem } from '@ferry/identity';
import { requestSchema } from '../http/operation';
import { EMAIL_ADDRESS, obeying, quayObject, text } from '../http/request-body';

/** Longest token lifetime a caller may ask for; tokens without an expiry are allowed too. */
export const MAX_TOKEN_DAYS = 3650;

const PASSWORD = obeying(text(1024), passwordProblem);

/** PUT /user/: a new password or e-mail address. */
export const UPDATE_USER_BODY = requestSchema('UpdateUserRequest', quayObject({ password: PASSWORD.optional(), email: EMAIL_ADDRESS.optional() }), { quay: true });

/** A superuser's new user; Quay answers with a generated password unless one is given. */
export const CREATE_USER_BODY = requestSchema(
  'CreateUserRequest',
  quayObject({ username: obeying(text(255, 'is required'), usernameProblem), email: EMAIL_ADDRESS.optional(), password: PASSWORD.optional() }),
  { quay: true },
);

const EXPIRATION_MESSAGE = `must be an ISO-8601 time in the future, within ${MAX_TOKEN_DAYS} days, or null`;
const TITLE_REQUIRED = 'is required: a name for the token';

/** Quay's app-specific token: a title, the scopes it holds (all by default) and an expiry (none by default). */
export const CREATE_TOKEN_BODY = requestSchema(
  'CreateApiTokenRequest',
  quayObject({
    title: obeying(text(255, TITLE_REQUIRED), (title) => (title.trim() === '' ? TITLE_REQUIRED : undefined)),
    scopes: z
      .array(z.enum(SCOPES, { error: (issue) => `holds unknown scope ${JSON.stringify(issue.input)}; known: ${SCOPES.join(', ')}` }), { error: `must be a non-empty list of ${SCOPES.join(', ')}` })
      .min(1, { error: `must be a non-empty list of ${SCOPES.join(', ')}` })
      .optional(),
    expiration: obeying(z.string({ error: EXPIRATION_MESSAGE }).regex(/^\d{4}-\d{2}-\d{2}T/, { error: EXPIRATION_MESSAGE, abort: true }), (value) => {
      const at = Date.parse(value);
      return Number.isNaN(at) || at <= Date.now() || at > Date.now() + MAX_TOKEN_DAYS * 86_400_000 ? EXPIRATION_MESSAGE : undefined;
    })
      .nullable()
      .optional(),
  }),
  { quay: true },
);

/** A superuser's change to a user (Quay's `UpdateUser`): a new password, e-mail address, or enabled or not. */
export const MANAGE_USER_BODY = requestSchema(
  'ManageUserRequest',
  quayObject({ password: PASSWORD.optional(), email: EMAIL_ADDRESS.optional(), enabled: z.boolean({ error: 'must be true or false' }).optional() }),
  { quay: true },
);
