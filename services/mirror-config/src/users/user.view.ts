// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export {
  API_TOKEN,
  API_TOKEN_ANSWER,
  API_TOKEN_LIST,
  CREATED_API_TOKEN,
  CREATED_USER,
  USER_LIST,
  USER_VIEW,
  MANAGED_USER,
  CHANGED_USER,
  type ManagedUserView,
  type ChangedUserView,
  type ApiTokenView,
  type UserView,
} from '@ferry/api-schema';
