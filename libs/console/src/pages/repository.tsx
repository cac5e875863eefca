import { useParams, useSearchParams } from 'react-router';
import { Alert, Label, PageSection, Tab, Tabs, TabTitleText } from '@patternfly/react-core';
import { HooksPanel } from '../components/hooks-panel';
import { PageHeader } from '../components/page-header';
import { repositoryStateWords } from '../logic/words';
import { errorText, seg } from '../api';
import { MirroringTab } from '../components/mirroring-tab';
import { RunsTab } from '../components/runs-tab';
import { TagsTab } from '../components/tags-tab';
import { UsageLogsTab } from '../components/usage-logs-tab';
import { NotificationRules } from '../components/notification-rules';
import { Permissions } from '../components/permissions';
import { useApi } from '../use-api';
import type { RepositoryView } from '../types';

const TABS = ['mirroring', 'runs', 'tags', 'logs', 'hooks', 'notifications', 'permissions'] as const;
type TabKey = (typeof TABS)[number];

/** A repository, as Quay's repository page: its Mirroring tab first, then runs, tags, usage logs, notifications and permissions. */
export function RepositoryPage() {
  const { namespace = '', repository = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'mirroring';
  const repo = useApi<RepositoryView>(`/repository/${seg(namespace)}/${seg(repository)}`);
  const base = `/repository/${seg(namespace)}/${seg(repository)}`;
  return (
    <>
      <PageHeader
        title={`${namespace}/${repository}`}
        crumbs={[{ label: 'Organizations', to: '/organizations' }, { label: namespace, to: `/organization/${seg(namespace)}` }, { label: repository }]}
        badge={
          repo.data ? (
            <>
              <Label color={repo.data.state === 'NORMAL' ? 'grey' : 'blue'}>{repositoryStateWords(repo.data.state)}</Label> <Label>{repo.data.is_public ? 'Public' : 'Private'}</Label>
            </>
          ) : null
        }
        description={repo.data?.description || undefined}
      />
      {repo.error ? (
        <PageSection>
          <Alert component="p" variant="warning" isInline title="The repository cannot be read">
            {errorText(repo.error)}
          </Alert>
        </PageSection>
      ) : null}
      <PageSection>
        <Tabs activeKey={tab} onSelect={(_e, key) => setParams({ tab: String(key) })} aria-label="Repository" mountOnEnter unmountOnExit>
          <Tab eventKey="mirroring" title={<TabTitleText>Mirroring</TabTitleText>}>
            <MirroringTab namespace={namespace} repository={repository} onChange={() => void repo.reload()} />
          </Tab>
          <Tab eventKey="runs" title={<TabTitleText>Runs</TabTitleText>}>
            <RunsTab namespace={namespace} repository={repository} />
          </Tab>
          <Tab eventKey="tags" title={<TabTitleText>Tags</TabTitleText>}>
            <TagsTab namespace={namespace} repository={repository} />
          </Tab>
          <Tab eventKey="logs" title={<TabTitleText>Usage logs</TabTitleText>}>
            <UsageLogsTab path={`${base}/mirror/logs?limit=500`} />
          </Tab>
          <Tab eventKey="hooks" title={<TabTitleText>Push hooks</TabTitleText>}>
            <HooksPanel base={`${base}/mirror/hooks`} />
          </Tab>
          <Tab eventKey="notifications" title={<TabTitleText>Notification rules</TabTitleText>}>
            <NotificationRules base={`${base}/notification`} scope="repository" />
          </Tab>
          <Tab eventKey="permissions" title={<TabTitleText>Permissions</TabTitleText>}>
            <Permissions base={`${base}/permissions/user`} what="repository" />
          </Tab>
        </Tabs>
      </PageSection>
    </>
  );
}
