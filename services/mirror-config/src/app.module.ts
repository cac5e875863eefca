import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { serviceActor } from '@ferry/contracts';
import { createSecretBox } from '@ferry/secrets';
import { MIRROR_METRICS, ORG_MIRROR_METRICS } from '@ferry/metrics';
import type { EventStore } from '@ferry/event-store';
import type { ProjectionRunner } from '@ferry/read-models';
import { ProgressBoard, runProgressBucket } from '@ferry/run-progress';
import { EVENT_STORE, InfrastructureModule } from '@ferry/service-runtime';
import type { MirrorConfigServiceConfig } from './config';
import { ApiProjections } from './api-projections';
import { Authenticator } from './auth/authenticator';
import { CredentialQueries } from './auth/credential-queries';
import { GrantLookup } from './auth/grant-lookup';
import { PermissionGuard } from './auth/permission.guard';
import { Commands } from './commands';
import { HealthController } from './health/health.controller';
import { HookDeliveryController, MirrorHookController, OrgMirrorHookController } from './hooks/hook.controller';
import { HookQueries } from './hooks/hook-queries';
import { HookReceiverService } from './hooks/hook-receiver.service';
import { HookService } from './hooks/hook.service';
import { MirrorHealthController } from './mirror-health/mirror-health.controller';
import { MirrorHealthService } from './mirror-health/mirror-health.service';
import { InputTextGuard } from './http/input-text.guard';
import { MirrorGrpcController } from './grpc/mirror-grpc.controller';
import { OrgMirrorGrpcController } from './grpc/org-mirror-grpc.controller';
import { MirrorPreviewController, MirrorPreviewService } from './mirror/mirror-preview';
import { MirrorController } from './mirror/mirror.controller';
import { MirrorService } from './mirror/mirror.service';
import { MirrorLookup } from './mirror-lookup';
import { MirrorHealthQueries } from './mirror-health/mirror-health-queries';
import { Namespaces } from './namespaces';
import { NamespaceNotificationRuleController, NotificationRuleController } from './notifications/notification-rule.controller';
import { NotificationRuleQueries } from './notifications/notification-rule-queries';
import { NotificationRuleService } from './notifications/notification-rule.service';
import { UserNotificationQueries } from './notifications/user-notification-queries';
import { UserNotificationController } from './notifications/user-notification.controller';
import { apiDocumentProvider, OpenApiController } from './openapi/openapi.controller';
import { OrganizationController } from './organizations/organization.controller';
import { OrganizationQueries } from './organizations/organization-queries';
import { OrganizationService } from './organizations/organization.service';
import { OrgMirrorController } from './org-mirror/org-mirror.controller';
import { OrgMirrorQueries } from './org-mirror/org-mirror-queries';
import { OrgMirrorService } from './org-mirror/org-mirror.service';
import { PermissionQueries } from './repositories/permission-queries';
import { PermissionService } from './repositories/permission.service';
import { RepositoryQueries } from './repositories/repository-queries';
import { RepositoryController } from './repositories/repository.controller';
import { RepositoryService } from './repositories/repository.service';
import { RobotController } from './robots/robot.controller';
import { RobotQueries } from './robots/robot-queries';
import { RobotService } from './robots/robot.service';
import { RegistryTokenController } from './registry-auth/registry-token.controller';
import { RegistryTokenQueries } from './registry-auth/registry-token-queries';
import { RegistryTokenService } from './registry-auth/registry-token.service';
import { TagHistoryController, TagHistoryQueries } from './runs/tag-history';
import { RunController } from './runs/run.controller';
import { RunQueries } from './runs/run-queries.service';
import { RunEvents } from './runs/run-events';
import { SuperuserUserController, UserController } from './users/user.controller';
import { UserQueries } from './users/user-queries';
import { UserService } from './users/user.service';
import { ConsoleController } from './console/console.controller';
import { CsrfTokenController, SessionController } from './session/session.controller';
import { SessionService } from './session/session.service';
import { EntitySearchController, TeamController, TeamPermissionController } from './teams/team.controller';
import { EntitySearchService } from './teams/entity-search.service';
import { TeamQueries } from './teams/team-queries';
import { TeamService } from './teams/team.service';
import { TagController } from './tags/tag.controller';
import { CapabilitiesController } from './capabilities/capabilities.controller';
import { TagQueries } from './tags/tag-queries';
import { TagService } from './tags/tag.service';
import { PrototypeController } from './prototypes/prototype.controller';
import { PrototypeService } from './prototypes/prototype.service';
import { ApplicationInformationController, OAuthApplicationController, OAuthAuthorizeController, UserAuthorizationController } from './oauth/oauth-application.controller';
import { OAuthApplicationQueries } from './oauth/oauth-application-queries';
import { OAuthApplicationService } from './oauth/oauth-application.service';
import { ClientKeyController } from './client-key/client-key.controller';
import { ClientKeyService } from './client-key/client-key.service';
import { QuotaController, SuperuserQuotaController, UserQuotaController } from './quotas/quota.controller';
import { QuotaService } from './quotas/quota.service';
import { QuotaUsageQueries } from './quotas/quota-usage.queries';
import { ProxyCacheController } from './proxy-cache/proxy-cache.controller';
import { ProxyCacheLookup } from './proxy-cache/proxy-cache-lookup';
import { ProxyCacheQueries } from './proxy-cache/proxy-cache-queries';
import { ProxyCachePromotion } from './proxy-cache/proxy-cache-promotion';
import { ProxyCacheService } from './proxy-cache/proxy-cache.service';
import { API_PROJECTIONS, RUN_PROGRESS, SECRET_BOX, SERVICE_CONFIG } from './tokens';

/** Every controller of the API, HTTP and gRPC: the permission check at boot and the permission tests walk this list. */
export const CONTROLLERS = [
  UserController,
  SuperuserUserController,
  OrganizationController,
  OrgMirrorHookController,
  OrgMirrorController,
  ProxyCacheController,
  // Before the repository routes: Quay's /repository/mirror/health is not the repository mirror/health.
  MirrorHealthController,
  RepositoryController,
  MirrorHookController,
  MirrorController,
  MirrorPreviewController,
  RunController,
  TagHistoryController,
  RobotController,
  NotificationRuleController,
  NamespaceNotificationRuleController,
  UserNotificationController,
  RegistryTokenController,
  HookDeliveryController,
  HealthController,
  OpenApiController,
  SessionController,
  TeamController,
  TeamPermissionController,
  EntitySearchController,
  CsrfTokenController,
  PrototypeController,
  OAuthApplicationController,
  OAuthAuthorizeController,
  UserAuthorizationController,
  ApplicationInformationController,
  ClientKeyController,
  QuotaController,
  UserQuotaController,
  SuperuserQuotaController,
  // The web console's pages and files, at / and paths the API does not use.
  ConsoleController,
  MirrorGrpcController,
  OrgMirrorGrpcController,
  TagController,
  CapabilitiesController,
] as const;

/** How long the bootstrap admin waits for the read models to hold the log before it is checked. */
const BOOTSTRAP_CATCH_UP_MS = 120_000;

/** Creates the bootstrap admin (FERRY_BOOTSTRAP_ADMIN_PASSWORD) once the read models follow the log. */
class BootstrapAdmin implements OnApplicationBootstrap {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A long log (a first start on an old one, a rebuild) keeps the read models behind for a
    // while: the admin's existence is judged once they hold the whole log, or a command would
    // wait past its patience and the service would not start.
    const head = await this.store.headPosition();
    if (!(await this.projections.waitFor(head, BOOTSTRAP_CATCH_UP_MS))) Logger.warn(`the read models are still behind event ${head}; creating the bootstrap admin anyway`, 'auth');
    await this.users.ensureBootstrapAdmin({ correlationId: 'bootstrap', causationId: 'bootstrap', actor: serviceActor('bootstrap') });
    Logger.log('the bootstrap admin exists', 'auth');
  }
}

/** mirror-config's composition root. */
@Module({})
export class AppModule {
  static forRoot(config: MirrorConfigServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config, { metrics: [...MIRROR_METRICS, ...ORG_MIRROR_METRICS] })],
      controllers: [...CONTROLLERS],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SECRET_BOX, useValue: createSecretBox(config.encryptionKey) },
        ApiProjections,
        // The OpenAPI document of every HTTP route above, built once.
        apiDocumentProvider(CONTROLLERS),
        { provide: API_PROJECTIONS, useFactory: (p: ApiProjections) => p.runner, inject: [ApiProjections] },
        // Guards run in this order: first every string must be storable text, then the one
        // permission guard (each route declares its permission with @Requires).
        { provide: APP_GUARD, useClass: InputTextGuard },
        { provide: APP_GUARD, useClass: PermissionGuard },
        Authenticator,
        CredentialQueries,
        GrantLookup,
        Commands,
        PermissionService,
        PermissionQueries,
        RepositoryQueries,
        UserService,
        UserQueries,
        SessionService,
        OrganizationService,
        OrganizationQueries,
        OrgMirrorQueries,
        OrgMirrorService,
        ProxyCacheService,
        ProxyCacheLookup,
        ProxyCacheQueries,
        ProxyCachePromotion,
        RepositoryService,
        MirrorService,
        MirrorLookup,
        MirrorHealthQueries,
        Namespaces,
        RobotService,
        RobotQueries,
        RunQueries,
        RunEvents,
        {
          provide: RUN_PROGRESS,
          useFactory: (store: EventStore) => ProgressBoard.open(store, runProgressBucket(config.eventStream), config.streamReplicas),
          inject: [EVENT_STORE],
        },
        TagHistoryQueries,
        MirrorPreviewService,
        MirrorHealthService,
        NotificationRuleService,
        NotificationRuleQueries,
        UserNotificationQueries,
        RegistryTokenService,
        RegistryTokenQueries,
        HookQueries,
        HookService,
        HookReceiverService,
        TeamService,
        TeamQueries,
        EntitySearchService,
        TagService,
        TagQueries,
        OAuthApplicationService,
        OAuthApplicationQueries,
        ClientKeyService,
        ...(config.bootstrapAdmin ? [BootstrapAdmin] : []),
        PrototypeService,
        QuotaService,
        QuotaUsageQueries,
      ],
    };
  }
}
