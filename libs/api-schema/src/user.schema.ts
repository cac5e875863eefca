import { z } from 'zod';
import { responseSchema } from './response-schema';
import { AVATAR, QUAY_DATE } from './quay.schema';

/** Quay's `user_view` of the signed-in user. */
export const USER_VIEW = responseSchema(
  'User',
  z.object({
    anonymous: z.boolean(),
    username: z.string(),
    email: z.string().nullable(),
    verified: z.boolean(),
    avatar: AVATAR,
    can_create_repo: z.boolean(),
    is_me: z.boolean(),
    has_password_set: z.boolean(),
    logins: z.array(z.unknown()),
    prompts: z.array(z.unknown()),
    organizations: z.array(z.object({ name: z.string(), avatar: AVATAR, can_create_repo: z.boolean(), public: z.boolean(), is_org_admin: z.boolean() })),
    super_user: z.boolean(),
  }),
);
export type UserView = z.output<typeof USER_VIEW>;

/** Quay's superuser list of users. */
export const USER_LIST = responseSchema(
  'UserList',
  z.object({ users: z.array(z.object({ kind: z.literal('user'), name: z.string(), username: z.string(), email: z.string().nullable(), verified: z.boolean(), avatar: AVATAR, super_user: z.boolean(), enabled: z.boolean() })) }),
);

/** Quay's superuser view of one user (`GET|PUT /superuser/users/{name}`): an item of the list. */
export const MANAGED_USER = responseSchema('ManagedUser', USER_LIST.shape.users.element);
export type ManagedUserView = z.output<typeof MANAGED_USER>;

/** Quay's answer to a superuser's change: the user and, when the password changed, its `encrypted_password` (shown this once). */
export const CHANGED_USER = responseSchema('ChangedUser', MANAGED_USER.extend({ encrypted_password: z.string().optional() }));
export type ChangedUserView = z.output<typeof CHANGED_USER>;

/** A new user; `password` is the generated one, shown this once, when none was given. */
export const CREATED_USER = responseSchema(
  'CreatedUser',
  // `encrypted_password`: Quay's, a client key `docker login` takes in place of the password (shown this once).
  z.object({ username: z.string(), email: z.string().nullable(), password: z.string().optional(), encrypted_password: z.string().optional() }),
);

/** An API token without its secret. */
export const API_TOKEN = responseSchema(
  'ApiToken',
  z.object({ uuid: z.string(), title: z.string(), scopes: z.array(z.string()), created: QUAY_DATE, expiration: QUAY_DATE, last_accessed: QUAY_DATE }),
);
export type ApiTokenView = z.output<typeof API_TOKEN>;

export const API_TOKEN_LIST = responseSchema('ApiTokenList', z.object({ tokens: z.array(API_TOKEN), only_expiring: z.null() }));
/** One token, its secret (`token_code`) shown again to its owner (each reading is in the usage logs). */
export const API_TOKEN_ANSWER = responseSchema('ApiTokenAnswer', z.object({ token: API_TOKEN.extend({ token_code: z.string() }) }));
/** A new token, its secret (`token_code`) in this answer and in its owner's later readings of it. */
export const CREATED_API_TOKEN = responseSchema('CreatedApiToken', z.object({ token: API_TOKEN.extend({ token_code: z.string() }) }));
export type ApiTokenListView = z.output<typeof API_TOKEN_LIST>;
export type CreatedApiTokenView = z.output<typeof CREATED_API_TOKEN>;
export type CreatedUserView = z.output<typeof CREATED_USER>;
