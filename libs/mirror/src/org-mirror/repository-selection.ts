import { mirrorId, repositoryNameProblem, type OrgMirrorConfig } from '@ferry/contracts';
import { compileRepositoryFilter, repositoryFilterFromQuay } from './repository-filter';
import { compileRepositoryNameTemplate } from './repository-name-template';

/** An upstream repository the filters select, with the target repository (under the organization) it becomes, or why it cannot become one. */
export type RepositorySelection = { upstream: string; repository: string } | { upstream: string; problem: string };

/**
 * What an organization mirror makes of a page of upstream names: those both Quay's
 * `repository_filters` and Ferry's include/exclude patterns select, in listing order, each with its
 * target repository from the name template. A Ferry repository is `namespace/name`, so the
 * template must render `<organization>/<one name>`; anything else is that repository's problem,
 * never a quiet rename. Throws on settings the API refuses (a bad pattern or template).
 */
export function repositorySelection(config: Pick<OrgMirrorConfig, 'organization' | 'externalNamespace' | 'repositoryFilters' | 'include' | 'exclude' | 'repositoryNameTemplate'>): (names: readonly string[]) => RepositorySelection[] {
  const quay = compileRepositoryFilter(repositoryFilterFromQuay(config.repositoryFilters));
  const ferry = compileRepositoryFilter({ include: config.include, exclude: config.exclude });
  const nameOf = compileRepositoryNameTemplate(config.repositoryNameTemplate);
  const prefix = `${config.organization}/`;
  return (names) =>
    ferry(quay(names)).map((upstream): RepositorySelection => {
      const rendered = nameOf({ namespace: config.organization, upstreamNamespace: config.externalNamespace, repository: upstream });
      if ('problem' in rendered) return { upstream, problem: rendered.problem };
      const repository = rendered.name.startsWith(prefix) ? rendered.name.slice(prefix.length) : null;
      if (repository === null || repositoryNameProblem(repository) !== undefined || mirrorId(config.organization, repository) !== rendered.name) {
        return { upstream, problem: `the name template renders ${JSON.stringify(rendered.name)} for ${upstream}, which is not a repository of organization ${config.organization} (${prefix}<name>, one name without /)` };
      }
      return { upstream, repository };
    });
}
