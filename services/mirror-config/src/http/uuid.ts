/** An id Ferry made with `randomUUID()` (lower-case, hyphenated): what a route's `:id` must be before it reaches a `uuid` column. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
