import { useState } from 'react';
import { useParams } from 'react-router';
import { ActionGroup, Alert, Button, ClipboardCopy, Form, FormGroup, PageSection, Tab, Tabs, TabTitleText, TextInput, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, seg } from '../api';
import { when } from '../logic/format';
import { ConfirmButton } from '../components/confirm-button';
import { NotificationRules } from '../components/notification-rules';
import { Permissions } from '../components/permissions';
import { useApi } from '../use-api';
import type { Robot, RobotList } from '../types';

/** An organization: its robot accounts, who holds which role on it, and the rules that apply to all its mirrors. */
export function OrganizationPage() {
  const { namespace = '' } = useParams();
  const [tab, setTab] = useState<string | number>('robots');
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Organization {namespace}</Title>
      </PageSection>
      <PageSection>
        <Tabs activeKey={tab} onSelect={(_e, k) => setTab(k)} aria-label="Organization" mountOnEnter>
          <Tab eventKey="robots" title={<TabTitleText>Robot accounts</TabTitleText>}>
            <Robots namespace={namespace} />
          </Tab>
          <Tab eventKey="permissions" title={<TabTitleText>Permissions</TabTitleText>}>
            <Permissions base={`/organization/${seg(namespace)}/permissions/user`} what="organization" />
          </Tab>
          <Tab eventKey="notifications" title={<TabTitleText>Notifications</TabTitleText>}>
            <NotificationRules base={`/organization/${seg(namespace)}/notification`} scope="organization" />
          </Tab>
        </Tabs>
      </PageSection>
    </>
  );
}

function Robots({ namespace }: { namespace: string }) {
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  // A robot's token is answered once, when it is made or regenerated: shown here, then gone.
  const [token, setToken] = useState<{ robot: string; token: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const act = async (run: () => Promise<Robot | void>) => {
    setProblem(null);
    setToken(null);
    try {
      const robot = await run();
      if (robot && robot.token) setToken({ robot: robot.name, token: robot.token });
      await robots.reload();
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  const short = (full: string) => full.slice(full.indexOf('+') + 1);
  return (
    <>
      {problem ? <Alert variant="danger" isInline title={problem} style={{ marginBottom: 16 }} /> : null}
      {token ? (
        <Alert variant="info" isInline title={`The token of ${token.robot}: copy it now, it is not shown again.`} style={{ marginBottom: 16 }}>
          <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied">
            {token.token}
          </ClipboardCopy>
        </Alert>
      ) : null}
      {robots.error ? <Alert variant="danger" isInline title="The robots cannot be read">{errorText(robots.error)}</Alert> : null}
      <Table aria-label="Robot accounts" variant="compact">
        <Thead>
          <Tr>
            <Th>Robot</Th>
            <Th>Description</Th>
            <Th>Created</Th>
            <Th>Last used</Th>
            <Th screenReaderText="Actions" />
          </Tr>
        </Thead>
        <Tbody>
          {(robots.data?.robots ?? []).map((r) => (
            <Tr key={r.name}>
              <Td dataLabel="Robot">{r.name}</Td>
              <Td dataLabel="Description">{r.description}</Td>
              <Td dataLabel="Created">{when(r.created)}</Td>
              <Td dataLabel="Last used">{when(r.last_accessed)}</Td>
              <Td dataLabel="Actions">
                <ConfirmButton
                  variant="secondary"
                  size="sm"
                  title={`A new token for ${r.name}?`}
                  body="The robot's current token stops working at once; mirrors read the new one on their next run."
                  confirm="Make a new token"
                  onConfirm={() => act(() => api<Robot>('POST', `/organization/${seg(namespace)}/robots/${seg(short(r.name))}/regenerate`))}
                >
                  New token
                </ConfirmButton>{' '}
                <ConfirmButton
                  variant="link"
                  isDanger
                  size="sm"
                  title={`Delete ${r.name}?`}
                  body="It loses every role it holds; the runs of mirrors it writes for fail with ROBOT_NOT_FOUND until they get another robot."
                  confirm="Delete"
                  onConfirm={() => act(() => api('DELETE', `/organization/${seg(namespace)}/robots/${seg(short(r.name))}`))}
                >
                  Delete
                </ConfirmButton>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Form
        isHorizontal
        aria-label="Create a robot account"
        style={{ maxWidth: 640, marginTop: 24 }}
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => api<Robot>('PUT', `/organization/${seg(namespace)}/robots/${seg(name.trim())}`, { description })).then(() => {
            setName('');
            setDescription('');
          });
        }}
      >
        <FormGroup label="Robot name" fieldId="robot-name">
          <TextInput id="robot-name" value={name} onChange={(_e, v) => setName(v)} />
        </FormGroup>
        <FormGroup label="Description" fieldId="robot-description">
          <TextInput id="robot-description" value={description} onChange={(_e, v) => setDescription(v)} />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="secondary" isDisabled={!name.trim()}>
            Create robot
          </Button>
        </ActionGroup>
      </Form>
    </>
  );
}
