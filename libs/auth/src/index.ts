export { AccountService } from './account.service';
export type { AccountServiceOptions, AccountView, RequestMetadata } from './account.service';
export { accountPermission } from './account-permission';
export type { AccountPermission } from './account-permission';
export { AccountsConfigSource, DEFAULT_ACCOUNTS_CONFIG_FILE } from './accounts-config.source';
export type { AccountsConfigSourceOptions, AccountsConfigStatus } from './accounts-config.source';
export {
  ADMIN_ACCOUNT,
  DEFAULT_PASSWORD_PATTERN,
  DEFAULT_SESSION_DURATION_SECONDS,
  MAX_USERNAME_LENGTH,
  defaultAccountsSettings,
  parseAccountsSettings,
} from './accounts-settings';
export type {
  AccountCapability,
  AccountsConfigIssue,
  AccountsSettings,
  AccountsSettingsResult,
  LocalAccount,
} from './accounts-settings';
export { LoginThrottledError, UnauthenticatedError } from './auth-errors';
export { AuthGuard } from './auth.guard';
export { AuthModule } from './auth.module';
export { openAuthorization } from './open-authorizer';
export type { OpenedAuthorization } from './open-authorizer';
export type { AuthorizationSetup } from './auth.module';
export { Authorizer, PermissionDeniedError, permissionDenied } from './authorizer';
export type { AuthorizerOptions } from './authorizer';
export { AnyAuthenticated, Authorize, AuthorizeInHandler, ROUTE_PERMISSION } from './authorize.decorator';
export type { PermissionObject, RoutePermission } from './authorize.decorator';
export { ApplicationProjects, PermissionGuard } from './permission.guard';
export { rbacClaimsOf } from './rbac-claims';
export { Authentication } from './authentication';
export type { AuthenticationOptions } from './authentication';
export { Authenticator, accountOfSubject, ssoAccountOf } from './authenticator';
export type { AuthenticatorOptions, ProjectTokenCheck } from './authenticator';
export { ANONYMOUS } from './identity';
export { OAUTH_STATE_COOKIE, OidcLogin, SsoNotConfiguredError } from './oidc-login';
export type { LoopbackLogin, OidcLoginOptions } from './oidc-login';
export {
  DEFAULT_REQUESTED_SCOPES,
  accountsSecretEnvName,
  accountsSecretLookup,
  parseOidcConfig,
} from './oidc-settings';
export type { OidcSettings } from './oidc-settings';
export type { Identity } from './identity';
export {
  initialPasswordIn,
  initialPasswordNotice,
  initializePassword,
  resetPassword,
} from './initial-password';
export type { InitialPasswordDeps } from './initial-password';
export { MemoryLoginFailureStore, RedisLoginFailureStore } from './login-failures.store';
export type { LoginFailureStore } from './login-failures.store';
export { refusedForSeconds, withFailure } from './login-throttle';
export type { FailedLogins, ThrottleLimits } from './login-throttle';
export { INVALID_LOGIN, LoginService } from './login.service';
export type { LoginServiceOptions } from './login.service';
export { BCRYPT_COST, PasswordHasher } from './password-hasher';
export { Public, PublicMetrics, PUBLIC_ROUTE } from './public.decorator';
export type { PublicRoute } from './public.decorator';
export {
  AUTH_COOKIE,
  CurrentIdentity,
  cookieValue,
  identityOf,
  setIdentity,
  tokenOf,
} from './request-identity';
export { ServerKeyError, ServerKeyRing, resealStoredServerKey } from './server-key-ring';
export type { SigningKey, StoredServerKey } from './server-key-ring';
export { BERTH_ISSUER, InvalidTokenError, TokenCodec } from './token-codec';
export type { BerthClaims, SsoClaims } from './token-codec';
export { TokenStandingCache } from './token-standing.cache';
export type { TokenStandingCacheOptions } from './token-standing.cache';
