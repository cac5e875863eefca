import { requestSchema } from '../http/operation';
import { quayObject, text } from '../http/request-body';

/** Quay's `GenerateClientKey`: the user's password, confirmed before the key is made. */
export const CLIENT_KEY_BODY = requestSchema('GenerateClientKeyRequest', quayObject({ password: text(1024, 'is required: the user\'s password') }), { quay: true });
