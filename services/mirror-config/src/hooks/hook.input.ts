import { z } from 'zod';
import { HookVerification } from '@ferry/contracts';
import { requestSchema } from '../http/operation';

const VERIFICATIONS = Object.values(HookVerification) as [HookVerification, ...HookVerification[]];

/** POST .../mirror/hooks: Ferry's own body, strict (no Quay client sends it). */
export const CREATE_HOOK_BODY = requestSchema(
  'CreateHookRequest',
  z
    .object({
      verification: z
        .enum(VERIFICATIONS, { error: `must be one of ${VERIFICATIONS.join(', ')}` })
        .default(HookVerification.Bearer)
        .meta({
          description:
            '`bearer` (default): deliveries send `Authorization: Bearer <secret>` (docker-registry\'s `headers`, Harbor\'s auth header) or `?secret=<secret>` (Docker Hub, Quay); only the secret\'s sha256 is stored. ' +
            '`hmac-sha256`: GitHub\'s `X-Hub-Signature-256` over the body; the secret is then stored sealed with the deployment\'s encryption key, because checking an HMAC needs it.',
        }),
    })
    .strict(),
);
