import { useParams, useSearchParams } from 'react-router';
import { Alert, Label, PageSection, Tab, Tabs, TabTitleText, Title } from '@patternfly/react-core';
import { errorText, seg } from '../api';
import { MirroringTab } from '../components/mirroring-tab';
import { RunsTab } from '../components/runs-tab';
import { TagsTab } from '../components/tags-tab';
import { UsageLogsTab } from '../components/usage-logs-tab';
import { NotificationRules } from '../components/notification-rules';
import { Permissions } from '../components/permissions';
import { useApi } from '../use-api';
import type { RepositoryView } from '../types';

const TABS = ['mirroring', 'runs', 'tags', 'logs', 'notifications', 'permissions'] as const;
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
      <PageSection>
        <Title headingLevel="h1">
          {namespace}/{repository}{' '}
          {repo.data ? (
            <>
              <Label color={repo.data.state === 'MIRROR' ? 'blue' : 'grey'}>{repo.data.state}</Label> <Label>{repo.data.is_public ? 'public' : 'private'}</Label>
            </>
          ) : null}
        </Title>
        {repo.data?.description ? <p>{repo.data.description}</p> : null}
        {repo.error ? <Alert variant="warning" isInline title="The repository cannot be read">{errorText(repo.error)}</Alert> : null}
      </PageSection>
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
            <UsageLogsTab namespace={namespace} repository={repository} />
          </Tab>
          <Tab eventKey="notifications" title={<TabTitleText>Notifications</TabTitleText>}>
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
