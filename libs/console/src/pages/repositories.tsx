import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  Button,
  Content,
  EmptyState,
  EmptyStateBody,
  FormSelect,
  FormSelectOption,
  Label,
  PageSection,
  SearchInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, seg } from '../api';
import { count, errorWords, when } from '../logic/format';
import { healthRank, MirrorStatusLabel } from '../components/status';
import type { RepositoryList, RepositoryListItem } from '../types';
import { Empty } from '../components/empty';
import { PageHeader } from '../components/page-header';
import { useSession } from '../session';
import { repositoryStateWords, runStatusWords } from '../logic/words';
import { useApi } from '../use-api';

const FILTERS = {
  all: 'All repositories',
  mirrored: 'Mirrored',
  failing: 'Failing',
  stale: 'Stale',
  syncing: 'Syncing',
  never: 'Never run',
  disabled: 'Disabled',
  plain: 'Without a mirror',
} as const;
type Filter = keyof typeof FILTERS;

function matches(filter: Filter, r: RepositoryListItem): boolean {
  const m = r.mirror;
  switch (filter) {
    case 'all':
      return true;
    case 'mirrored':
      return m !== null;
    case 'failing':
      return !!m?.failing;
    case 'stale':
      return !!m?.stale;
    case 'syncing':
      return m?.sync_status === 'SYNCING' || m?.sync_status === 'SYNC_NOW';
    case 'never':
      return m?.sync_status === 'NEVER_RUN';
    case 'disabled':
      return m !== null && !m.is_enabled;
    case 'plain':
      return m === null;
  }
}

/** Every page of the repository list (Quay's paging, 100 a page), as one list. */
async function everyRepository(path: string): Promise<RepositoryList> {
  const repositories: RepositoryListItem[] = [];
  for (let page: RepositoryList | null = null; page === null || page.next_page; ) {
    page = await api<RepositoryList>('GET', page ? `${path}?next_page=${encodeURIComponent(page.next_page!)}` : path);
    repositories.push(...page.repositories);
  }
  return { repositories };
}

/** Namespaces and repositories, each mirror's status at a glance: failing and stale ones first. */
export function RepositoriesPage() {
  const { user } = useSession();
  // While any mirror syncs, its status is read every 2 s; otherwise every 10 s.
  const [busy, setBusy] = useState(false);
  const { data, error, loading } = useApi<RepositoryList>('/repository', busy ? 2000 : 10_000, everyRepository);
  const syncing = (data?.repositories ?? []).some((r) => r.mirror && ['SYNCING', 'SYNC_NOW'].includes(r.mirror.sync_status));
  useEffect(() => setBusy(syncing), [syncing]);
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [namespace, setNamespace] = useState('');
  const all = data?.repositories ?? [];
  const namespaces = useMemo(() => [...new Set(all.map((r) => r.namespace))].sort(), [all]);
  const shown = all
    .filter((r) => (namespace ? r.namespace === namespace : true))
    .filter((r) => matches(filter, r))
    .filter((r) => {
      const q = search.trim().toLowerCase();
      return !q || `${r.namespace}/${r.name}`.toLowerCase().includes(q) || (r.mirror?.external_reference.toLowerCase().includes(q) ?? false);
    })
    .sort((a, b) => healthRank(a.mirror) - healthRank(b.mirror) || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const mirrors = all.filter((r) => r.mirror);
  const failing = mirrors.filter((r) => r.mirror!.failing).length;
  const stale = mirrors.filter((r) => r.mirror!.stale).length;

  return (
    <>
      <PageHeader
        title="Repositories"
        description={`${count(mirrors.length, 'mirror')} in ${count(all.length, 'repository', 'repositories')}${failing ? `, ${failing} failing` : ''}${stale ? `, ${stale} stale` : ''}.`}
      />
      <PageSection>
        {error ? <Alert component="p" variant="danger" isInline title="The repositories cannot be read">{errorText(error)}</Alert> : null}
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <SearchInput aria-label="Search repositories" placeholder="Search by name or upstream" value={search} onChange={(_e, v) => setSearch(v)} onClear={() => setSearch('')} />
            </ToolbarItem>
            <ToolbarItem>
              <FormSelect aria-label="Namespace" value={namespace} onChange={(_e, v) => setNamespace(v)}>
                <FormSelectOption value="" label="All namespaces" />
                {namespaces.map((n) => (
                  <FormSelectOption key={n} value={n} label={n} />
                ))}
              </FormSelect>
            </ToolbarItem>
            <ToolbarItem>
              <FormSelect aria-label="Show" value={filter} onChange={(_e, v) => setFilter(v as Filter)}>
                {Object.entries(FILTERS).map(([value, label]) => (
                  <FormSelectOption key={value} value={value} label={label} />
                ))}
              </FormSelect>
            </ToolbarItem>
            <ToolbarItem>
              <Link to="/new-mirror">
                <Button component="span" variant="primary">
                  Create a mirror
                </Button>
              </Link>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        {!loading && shown.length === 0 ? (
          all.length ? (
            <Empty title="No repository matches">None matches the search and filters: clear them to see every repository.</Empty>
          ) : user!.organizations.length === 0 ? (
            <Empty title="Start with an organization" to="/organizations" action="Create an organization">
              Repositories live in organizations. Create one, give it a robot account to write with, then create a mirror in it.
            </Empty>
          ) : (
            <Empty title="No repositories yet" to="/new-mirror" action="Create a mirror">
              Mirror an upstream repository into one of your organizations ({user!.organizations.map((o) => o.name).join(', ')}), or mirror a whole upstream namespace from an organization's Organization mirroring tab.
            </Empty>
          )
        ) : (
          <Table aria-label="Repositories" variant="compact">
            <Thead>
              <Tr>
                <Th modifier="wrap">Repository</Th>
                <Th modifier="wrap">Upstream</Th>
                <Th modifier="wrap">Status</Th>
                <Th modifier="wrap">Last sync</Th>
                <Th modifier="wrap">Next sync</Th>
                <Th modifier="wrap">Last outcome</Th>
              </Tr>
            </Thead>
            <Tbody>
              {shown.map((r) => {
                const m = r.mirror;
                return (
                  <Tr key={`${r.namespace}/${r.name}`}>
                    <Td dataLabel="Repository">
                      <Link to={`/organization/${seg(r.namespace)}`}>{r.namespace}</Link> /{' '}
                      <Link to={`/repository/${seg(r.namespace)}/${seg(r.name)}`}>{r.name}</Link>
                    </Td>
                    <Td dataLabel="Upstream">{m ? <span className="ferry-mono">{m.external_reference}</span> : <Label>{repositoryStateWords(r.state)}</Label>}</Td>
                    <Td dataLabel="Status">
                      {m ? (
                        <>
                          <MirrorStatusLabel status={m.sync_status} enabled={m.is_enabled} /> {m.failing ? <Label color="red">{m.consecutive_failures > 1 ? `${m.consecutive_failures} failures in a row` : 'Failing'}</Label> : null}{' '}
                          {m.stale ? <Label color="orange">Stale</Label> : null}
                        </>
                      ) : (
                        '—'
                      )}
                    </Td>
                    <Td dataLabel="Last sync">{m ? when(m.last_sync) : '—'}</Td>
                    <Td dataLabel="Next sync">{m ? when(m.next_sync) : '—'}</Td>
                    <Td dataLabel="Last outcome">{m?.last_outcome ? (m.error ? `${runStatusWords(m.last_outcome).text}: ${m.error.message ?? m.error.code}` : runStatusWords(m.last_outcome).text) : '—'}</Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
