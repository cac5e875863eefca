import { z } from 'zod';
import { requestSchema } from '../http/operation';

/** A form field the token service reads when it is one string; anything else is as if it were not sent. */
const FIELD = z.string().optional().catch(undefined);

/** `GET /v2/auth?service=...&scope=...`: one service; any number of scopes, each may hold several separated by spaces. */
export const TOKEN_QUERY = z.object({
  service: z.string({ error: 'must be given once' }).optional().meta({ description: 'The registry the token is for (FERRY_TOKEN_SERVICE).' }),
  scope: z.union([z.string(), z.array(z.string())]).optional().meta({ description: '`repository:ns/name:pull,push` or `registry:catalog:*`; repeated, or several separated by spaces.' }),
});

/** The OAuth2 form newer clients post: `grant_type=password` with `username`, `password`, `service`, `scope`. */
export const OAUTH_TOKEN_FORM = requestSchema(
  'OAuthTokenForm',
  z.object({
    grant_type: z.literal('password', { error: 'must be "password" (Ferry issues no refresh tokens)' }),
    username: FIELD,
    password: FIELD,
    service: FIELD,
    scope: FIELD.meta({ description: 'Scopes separated by spaces.' }),
  }),
);
