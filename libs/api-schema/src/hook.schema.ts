import { z } from 'zod';
import { HookDeliveryOutcome, HookVerification } from '@ferry/contracts';
import { responseSchema } from './response-schema';
import { ISO_TIME } from './quay.schema';

const VERIFICATIONS = Object.values(HookVerification) as [HookVerification, ...HookVerification[]];
const OUTCOMES = Object.values(HookDeliveryOutcome) as [HookDeliveryOutcome, ...HookDeliveryOutcome[]];

/** A hook; its secret only when it is made or rotated. */
export const HOOK_VIEW = responseSchema(
  'Hook',
  z.object({
    id: z.string(),
    url: z.string().meta({ description: 'Where the upstream delivers: `/api/v1/hooks/{id}` on this API\'s address.' }),
    repository: z.string().nullable().meta({ description: 'The repository mirror (namespace/repository) whose hook it is; null for an organization mirror\'s.' }),
    organization: z.string().nullable().meta({ description: 'The organization mirror whose hook it is; null for a repository mirror\'s.' }),
    verification: z.enum(VERIFICATIONS),
    created: ISO_TIME,
    secret_rotated: ISO_TIME.nullable(),
    last_delivery: ISO_TIME.nullable(),
    secret: z.string().optional().meta({ description: 'Shown when the hook is made or its secret rotated, never again.' }),
  }),
);
export type HookView = z.output<typeof HOOK_VIEW>;

export const HOOK_LIST = responseSchema('HookList', z.object({ hooks: z.array(HOOK_VIEW) }));

/** What one delivery did, newest first. */
export const HOOK_DELIVERY_LIST = responseSchema(
  'HookDeliveryList',
  z.object({
    deliveries: z.array(
      z.object({
        id: z.string(),
        sender: z.string().meta({ description: 'Whose format the delivery was read as: distribution, dockerhub, quay, harbor or github.' }),
        received: ISO_TIME,
        results: z.array(
          z.object({
            repository: z.string().meta({ description: 'The repository the sender named.' }),
            tags: z.array(z.string()),
            outcome: z.enum(OUTCOMES).meta({ description: '`run`: the tags wait for the mirror\'s next run; `discovery`: a new repository, for the organization mirror\'s discovery; `ignored`: acknowledged, nothing runs.' }),
            detail: z.string(),
            mirror: z.string().nullable(),
          }),
        ),
      }),
    ),
  }),
);

/** What a delivery was answered with. */
export const HOOK_DELIVERY_ANSWER = responseSchema(
  'HookDeliveryAnswer',
  z.object({ delivery: z.string(), sender: z.string(), results: z.array(z.object({ repository: z.string(), tags: z.array(z.string()), outcome: z.enum(OUTCOMES), detail: z.string() })) }),
);

export type HookListView = z.output<typeof HOOK_LIST>;
export type HookDeliveryListView = z.output<typeof HOOK_DELIVERY_LIST>;
