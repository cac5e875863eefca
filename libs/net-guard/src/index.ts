export { forbiddenAddressReason } from './forbidden-address';
export { Allowlist } from './allowlist';
export { unbracket, isIpv6Literal, splitHostPort } from './host-literal';
export { screenHost, assertHostAllowed, type AddressGuard, type Refuse, type HostResolver } from './address-guard';
export { guardedLookup, guardedConnector, type ConnectTarget } from './guarded-lookup';
