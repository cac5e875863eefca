import { z } from 'zod';
import { responseSchema } from './response-schema';
import { ISO_TIME } from './quay.schema';

/** The Docker registry token protocol's answer; `token` and `access_token` are the same JWT. */
export const REGISTRY_TOKEN = responseSchema('RegistryToken', z.object({ token: z.string(), access_token: z.string(), expires_in: z.number().int(), issued_at: ISO_TIME }));

/** The OAuth2 answer. */
export const OAUTH_TOKEN = responseSchema(
  'OAuthToken',
  z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int(), issued_at: ISO_TIME, scope: z.string() }),
);
