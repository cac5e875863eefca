import type { EntityManager } from 'typeorm';
import type { GrantResource, StoredEvent } from '@ferry/contracts';
import { OrganizationRow, PermissionRow, RepositoryRow } from '../entities/identity.entities';
import type { Projection } from '../projection-runner';

const repositoryColumn = (resource: GrantResource) => (resource.kind === 'repository' ? resource.repository : '');

/** Organizations, repositories and the roles granted on them. */
export const namespacesProjection: Projection = {
  tables: ['organizations', 'repositories', 'permissions'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    switch (event.type) {
      case 'OrganizationCreated':
        await em.getRepository(OrganizationRow).upsert({ name: event.data.name, email: event.data.email, createdAt: new Date(event.occurredAt) }, ['name']);
        return;
      case 'OrganizationUpdated':
        await em.getRepository(OrganizationRow).update({ name: event.data.name }, { email: event.data.email });
        return;
      case 'OrganizationDeleted':
        await em.getRepository(PermissionRow).delete({ namespace: event.data.name, repository: '' });
        await em.getRepository(OrganizationRow).delete({ name: event.data.name });
        return;
      case 'RepositoryCreated': {
        const { namespace, repository, description, visibility, state } = event.data;
        await em.getRepository(RepositoryRow).upsert({ namespace, name: repository, description, visibility, state, createdAt: new Date(event.occurredAt) }, ['namespace', 'name']);
        return;
      }
      case 'RepositoryUpdated': {
        const { namespace, repository, description, visibility } = event.data;
        await em.getRepository(RepositoryRow).update({ namespace, name: repository }, { description, visibility });
        return;
      }
      case 'RepositoryStateChanged':
        await em.getRepository(RepositoryRow).update({ namespace: event.data.namespace, name: event.data.repository }, { state: event.data.state });
        return;
      case 'RepositoryDeleted':
        // The decider starts a re-created repository with no grants; so does its row.
        await em.getRepository(PermissionRow).delete({ namespace: event.data.namespace, repository: event.data.repository });
        await em.getRepository(RepositoryRow).delete({ namespace: event.data.namespace, name: event.data.repository });
        return;
      case 'PermissionGranted': {
        const { resource, principal, role } = event.data;
        await em
          .getRepository(PermissionRow)
          .upsert({ namespace: resource.namespace, repository: repositoryColumn(resource), principalKind: principal.kind, principalName: principal.name, role }, [
            'namespace',
            'repository',
            'principalKind',
            'principalName',
          ]);
        return;
      }
      case 'PermissionRevoked': {
        const { resource, principal } = event.data;
        await em.getRepository(PermissionRow).delete({ namespace: resource.namespace, repository: repositoryColumn(resource), principalKind: principal.kind, principalName: principal.name });
        return;
      }
    }
  },
};
