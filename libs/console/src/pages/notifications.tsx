import { Link } from 'react-router';
import { Alert, Button, EmptyState, Label, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, seg } from '../api';
import { when } from '../logic/format';
import { useSession } from '../session';
import { Empty } from '../components/empty';
import { PageHeader } from '../components/page-header';
import { useApi } from '../use-api';
import type { UserNotificationList } from '../types';

/** The signed-in user's in-app notifications (the `quay_notification` method), newest first. */
export function NotificationsPage() {
  const { user } = useSession();
  const list = useApi<UserNotificationList>(`/user/${seg(user!.username)}/notifications?limit=100`, 10_000);
  const markRead = async (id: string) => {
    await api('POST', `/user/${seg(user!.username)}/notifications/${seg(id)}/read`);
    await list.reload();
  };
  const repoLink = (repository: string) => `/repository/${repository.split('/').map(seg).join('/')}`;
  return (
    <>
      <PageHeader
        title="Inbox"
        crumbs={[{ label: 'Inbox' }]}
        badge={list.data ? <Label color={list.data.unread ? 'blue' : 'grey'}>{list.data.unread} unread</Label> : null}
        description="Messages for you from notification rules that deliver to the in-app inbox. A repository's or organization's rules are on its Notification rules tab."
      />
      <PageSection>
        {list.error ? <Alert component="p" variant="danger" isInline title="The notifications cannot be read">{errorText(list.error)}</Alert> : null}
        {list.data && list.data.notifications.length === 0 ? <Empty title="Your inbox is empty">Add a notification rule that delivers to the in-app inbox on a repository's or an organization's Notification rules tab, and its messages arrive here.</Empty> : null}
        {list.data && list.data.notifications.length ? (
          <Table aria-label="Notifications" variant="compact">
            <Thead>
              <Tr>
                <Th>When</Th>
                <Th>Repository</Th>
                <Th>Message</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {list.data.notifications.map((n) => (
                <Tr key={n.id}>
                  <Td dataLabel="When">{when(n.created)}</Td>
                  <Td dataLabel="Repository">
                    <Link to={repoLink(n.repository)}>{n.repository}</Link>
                    {n.run_id ? (
                      <>
                        {' '}
                        (<Link to={`${repoLink(n.repository)}/mirror/runs/${seg(n.run_id)}`}>run</Link>)
                      </>
                    ) : null}
                  </Td>
                  <Td dataLabel="Message">
                    {n.read ? null : <Label color="blue" isCompact>New</Label>} {n.message}
                  </Td>
                  <Td dataLabel="Actions">{n.read ? null : <Button variant="link" onClick={() => void markRead(n.id)}>Mark read</Button>}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        ) : null}
      </PageSection>
    </>
  );
}
