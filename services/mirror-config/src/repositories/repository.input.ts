import { z } from 'zod';
import { RepositoryState, repositoryNameProblem, Visibility } from '@ferry/contracts';
import { requestSchema } from '../http/operation';
import { obeying, oneOf, quayObject, text } from '../http/request-body';

const VISIBILITIES = Object.values(Visibility) as [Visibility, ...Visibility[]];
const STATES = Object.values(RepositoryState) as [RepositoryState, ...RepositoryState[]];
const DESCRIPTION = text(4096);

/** POST /repository: Quay's body, `namespace` defaulting to the caller's own. */
export const CREATE_REPOSITORY_BODY = requestSchema(
  'CreateRepositoryRequest',
  quayObject({
    repository: obeying(text(255, 'is required'), repositoryNameProblem),
    namespace: obeying(text(255), repositoryNameProblem).optional(),
    visibility: oneOf(VISIBILITIES).nullable().optional(),
    description: DESCRIPTION.optional(),
    repo_kind: z.literal('image', { error: 'must be "image" (Ferry mirrors container images)' }).nullable().optional(),
  }),
  { quay: true },
);

/** PUT /repository/{namespace}/{repository}: Quay changes only the description here. */
export const UPDATE_REPOSITORY_BODY = requestSchema('UpdateRepositoryRequest', quayObject({ description: text(4096, 'is required') }), { quay: true });

export const CHANGE_VISIBILITY_BODY = requestSchema('ChangeVisibilityRequest', quayObject({ visibility: oneOf(VISIBILITIES, `must be one of ${VISIBILITIES.join(', ')}`) }), { quay: true });

/** Quay's changestate: NORMAL, READ_ONLY, or MIRROR (the only state a mirror runs in). */
export const CHANGE_STATE_BODY = requestSchema('ChangeStateRequest', quayObject({ state: oneOf(STATES, `must be one of ${STATES.join(', ')}`) }), { quay: true });
