import { SetMetadata } from '@nestjs/common';
import type { Requirement } from '@ferry/identity';

export const PERMISSION = Symbol('ferry:permission');

/**
 * Declares what a route or gRPC method needs, next to its handler. The one guard
 * (`PermissionGuard`) enforces it; a handler without a declaration stops the service at boot,
 * and would be refused if it ever ran, so a new route is closed until it says who may call it.
 */
export const Requires = (requirement: Requirement) => SetMetadata(PERMISSION, requirement);
