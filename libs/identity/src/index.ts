export { hashPassword, verifyPassword, passwordProblem, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from './password';
export { TokenKind, mintToken, tokenHash, tokenKindOf, type MintedToken } from './secret-token';
export {
  requires,
  allows,
  needsGrants,
  repositoryRole,
  organizationRole,
  hasScope,
  actsAsSuperuser,
  scopesProblem,
  atLeast,
  strongest,
  roleRank,
  type Requirement,
  type Caller,
  type Grants,
  type Target,
} from './access';
export { roleOf, type Principal, type GrantTable, type GrantCommand } from './grants';
export { userDecider, applicationKey, type UserState, type UserCommand, type ApiTokenState } from './user.decider';
export { organizationDecider, type OrganizationState, type OrganizationCommand } from './organization.decider';
export { repositoryDecider, type RepositoryState, type RepositoryCommand } from './repository.decider';
export { robotDecider, robotRegistryLogin, type RobotState, type RobotCommand } from './robot.decider';
export { targetRegistryLogin, type FixedTargetUser } from './target-login';
export { parseRegistryScope, grantedRepositoryActions, grantedProxyCacheActions, grantedCatalogActions, type RegistryScope, type RegistryRepositoryFacts } from './registry-access';
export { teamDecider, teamId, type TeamState, type TeamCommand, type TeamMember } from './team.decider';
export { robotCredentials, type RobotCredentials } from './robot-credentials';
export { defaultGrants, type DefaultPermission, type DefaultPermissionTable, type DefaultPermissionCommand } from './default-permissions';
export {
  oauthApplicationDecider,
  oauthApplicationId,
  randomAlphanumeric,
  parseScopeString,
  redirectUriAllowed,
  tokenRedirect,
  errorRedirect,
  CLIENT_ID_LENGTH,
  CLIENT_SECRET_LENGTH,
  type OAuthApplicationState,
  type OAuthApplicationCommand,
} from './oauth-application.decider';
export { mintClientKey, clientKeyMatches, isClientKey, CLIENT_KEY_PREFIX, type Sealer } from './client-key';
