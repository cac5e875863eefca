import { useState } from 'react';
import { ActionGroup, Alert, Button, Card, CardBody, CardTitle, ClipboardCopy, Form, FormGroup, Label, PageSection, TextInput } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, fieldErrors, seg } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { FieldHelp } from '../components/field-help';
import { PageHeader } from '../components/page-header';
import { StatusLabel } from '../components/status';
import { useSession } from '../session';
import { useApi } from '../use-api';
import { Reveal } from '../components/reveal';
import type { CreatedUser, ManagedUser } from '../types';

/** A superuser's list of every user: create (with a generated password shown once), disable, delete. */
export function UsersPage() {
  const { user } = useSession();
  const users = useApi<{ users: ManagedUser[] }>('/superuser/users/');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [made, setMade] = useState<CreatedUser | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const errors = fieldErrors(problem);
  const act = async (run: () => Promise<unknown>) => {
    setProblem(null);
    try {
      const answer = await run();
      await users.reload();
      return answer;
    } catch (error) {
      setProblem(error);
      return undefined;
    }
  };
  return (
    <>
      <PageHeader title="Users" crumbs={[{ label: 'Account' }, { label: 'Users' }]} description="Every user of this Ferry. Only superusers see this page." />
      <PageSection>
        {!user!.super_user ? <Alert component="p" variant="warning" isInline title="Only a superuser manages users." /> : null}
        {made ? (
          <Reveal key={made.username}>
          <Alert component="p" variant="success" isInline title={`User ${made.username} is created.${made.password ? ' Give them this password; it is not shown again.' : ''}`} style={{ marginBottom: 16 }}>
            {made.password ? (
              <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="The new user's password" copyAriaLabel="Copy The new user's password">
                {made.password}
              </ClipboardCopy>
            ) : null}
          </Alert>
        </Reveal>
        ) : null}
        {problem && !Object.keys(errors).length ? <Alert component="p" variant="danger" isInline title={errorText(problem)} style={{ marginBottom: 16 }} /> : null}
        {users.error ? <Alert component="p" variant="danger" isInline title="The users cannot be read">{errorText(users.error)}</Alert> : null}
        <Table aria-label="Users" variant="compact">
          <Thead>
            <Tr>
              <Th>User</Th>
              <Th>E-mail</Th>
              <Th>Status</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {(users.data?.users ?? []).map((u) => (
              <Tr key={u.username}>
                <Td dataLabel="User">
                  {u.username} {u.super_user ? <Label color="purple" isCompact>superuser</Label> : null}
                </Td>
                <Td dataLabel="E-mail">{u.email ?? '—'}</Td>
                <Td dataLabel="Status">
                  <StatusLabel compact words={u.enabled ? { text: 'Enabled', tone: 'success' } : { text: 'Disabled', tone: 'neutral' }} />
                </Td>
                <Td dataLabel="Actions">
                  {u.username !== user!.username ? (
                    <>
                      <Button variant="link" size="sm" onClick={() => void act(() => api('PUT', `/superuser/users/${seg(u.username)}`, { enabled: !u.enabled }))}>
                        {u.enabled ? 'Disable' : 'Enable'}
                      </Button>
                      <ConfirmButton variant="link" isDanger size="sm" title={`Delete ${u.username}?`} body="Their tokens and sessions stop working at once." confirm="Delete user" onConfirm={() => void act(() => api('DELETE', `/superuser/users/${seg(u.username)}`))}>
                        Delete
                      </ConfirmButton>
                    </>
                  ) : (
                    'You'
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </PageSection>
      <PageSection>
        <Card>
          <CardTitle component="h2">Create a user</CardTitle>
          <CardBody>
            <Form
              style={{ maxWidth: 640 }}
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => api<CreatedUser>('POST', '/superuser/users/', { username: username.trim(), ...(email.trim() ? { email: email.trim() } : {}) })).then((answer) => {
                  if (answer) {
                    setMade(answer as CreatedUser);
                    setUsername('');
                    setEmail('');
                  }
                });
              }}
            >
              <FormGroup label="User name" fieldId="user-name" isRequired>
                <TextInput id="user-name" isRequired value={username} onChange={(_e, v) => setUsername(v)} validated={errors.username ? 'error' : 'default'} aria-describedby="user-name-help" />
                <FieldHelp id="user-name" error={errors.username} help="Ferry makes a password and shows it once." />
              </FormGroup>
              <FormGroup label="E-mail" fieldId="user-email">
                <TextInput id="user-email" type="email" value={email} onChange={(_e, v) => setEmail(v)} validated={errors.email ? 'error' : 'default'} aria-describedby="user-email-help" />
                <FieldHelp id="user-email" error={errors.email} help="Optional." />
              </FormGroup>
              <ActionGroup>
                <Button type="submit" variant="primary" isDisabled={!username.trim()}>
                  Create user
                </Button>
              </ActionGroup>
            </Form>
          </CardBody>
        </Card>
      </PageSection>
    </>
  );
}
