/**
 * `@Operation` and the schema registries live in http/operation.ts. This re-export serves the
 * `*.view.ts` files and the notification rule's input until they move (to libs/api-schema and to
 * the receivers table); then it goes.
 */
export { requestSchema, responseSchema } from '../http/operation';
