import { z } from 'zod';
import { requestSchema } from '../http/operation';
import { EMAIL_ADDRESS, obeying, quayObject, text } from '../http/request-body';

const URI_MESSAGE = 'must be an absolute http or https URL, or empty';

/** An application's URIs: empty, or absolute http(s), so that a redirect never leaves for another scheme. */
function uriProblem(value: string): string | undefined {
  if (value === '') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : URI_MESSAGE;
  } catch {
    return URI_MESSAGE;
  }
}

const NAME_REQUIRED = 'is required: the name of the application';
const NAME = obeying(text(255, NAME_REQUIRED), (name) => (name.trim() === '' ? NAME_REQUIRED : undefined));
const URI = (required?: string) => obeying(text(2048, required), uriProblem);

/** Quay's `NewApp`: a name, and optionally its URIs, a description and an avatar e-mail address. */
export const NEW_APPLICATION_BODY = requestSchema(
  'NewOAuthApplicationRequest',
  quayObject({
    name: NAME,
    redirect_uri: URI().optional(),
    application_uri: URI().optional(),
    description: text(4096).optional(),
    avatar_email: EMAIL_ADDRESS.optional(),
  }),
  { quay: true },
);

/** Quay's `UpdateApp`: the name and both URIs are required; a description or avatar left out becomes empty. */
export const UPDATE_APPLICATION_BODY = requestSchema(
  'UpdateOAuthApplicationRequest',
  quayObject({
    name: NAME,
    redirect_uri: URI('is required: the URI tokens may be sent to, or empty'),
    application_uri: URI('is required: the application\'s home page, or empty'),
    description: text(4096).optional(),
    avatar_email: EMAIL_ADDRESS.optional(),
  }),
  { quay: true },
);

/** A form field read when it is one string; anything else is as if it were not sent. */
const FIELD = z.string().max(4096).optional().catch(undefined);

/** Quay's `/oauth/authorizeapp` form (what its "Generate Token" page and API clients post). */
export const AUTHORIZE_APPLICATION_FORM = requestSchema(
  'AuthorizeApplicationForm',
  z.object({
    client_id: FIELD.meta({ description: 'The application\'s client id.' }),
    redirect_uri: FIELD.meta({ description: 'Where the token is sent: Ferry\'s own `/oauth/localapp`, or under the application\'s redirect URI.' }),
    response_type: FIELD.meta({ description: '`token` (the implicit grant; Ferry has no other).' }),
    scope: FIELD.meta({ description: 'Quay\'s scopes, separated by spaces or commas.' }),
    state: FIELD.meta({ description: 'Sent back as it came.' }),
    _csrf_token: FIELD.meta({ description: 'The session\'s CSRF token (or send it in the X-CSRF-Token header).' }),
  }),
);
