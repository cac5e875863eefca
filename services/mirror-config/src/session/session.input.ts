import { quayObject, text } from '../http/request-body';
import { requestSchema } from '../http/operation';

/** Quay's `POST /api/v1/signin`: a user name and password (Quay's `invite_code` is ignored). */
export const SIGN_IN_BODY = requestSchema(
  'SignInRequest',
  quayObject({ username: text(255, 'is required: the user name'), password: text(1024, 'is required: the password') }),
  { quay: true },
);
