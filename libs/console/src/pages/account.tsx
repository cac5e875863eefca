import { useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  ClipboardCopy,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  PageSection,
  Tab,
  Tabs,
  TabTitleText,
  TextInput,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, fieldErrors, seg } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { FieldHelp } from '../components/field-help';
import { PageHeader } from '../components/page-header';
import { when } from '../logic/format';
import { expiryOf, EXPIRY_CHOICES } from '../logic/tokens';
import { SCOPE_WORDS } from '../logic/words';
import { useSession } from '../session';
import { useApi } from '../use-api';
import { Reveal } from '../components/reveal';
import type { ApiTokenList, CreatedApiToken } from '../types';
import { FormCard } from '../components/form-card';

/** The signed-in user: who they are, their password, and their own API tokens. */
export function AccountPage() {
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'tokens' ? 'tokens' : 'profile';
  return (
    <>
      <PageHeader title="Your account" crumbs={[{ label: 'Account' }, { label: tab === 'tokens' ? 'API tokens' : 'Profile' }]} description={`Signed in as ${user!.username}${user!.super_user ? ', a superuser' : ''}.`} />
      <PageSection>
        <Tabs activeKey={tab} onSelect={(_e, key) => setParams(key === 'tokens' ? { tab: 'tokens' } : {})} aria-label="Account" mountOnEnter unmountOnExit>
          <Tab eventKey="profile" title={<TabTitleText>Profile</TabTitleText>}>
            <Profile />
          </Tab>
          <Tab eventKey="tokens" title={<TabTitleText>API tokens</TabTitleText>}>
            <Tokens />
          </Tab>
        </Tabs>
      </PageSection>
    </>
  );
}

function Profile() {
  const { user } = useSession();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const errors = fieldErrors(problem);
  return (
    <>
      <DescriptionList isHorizontal style={{ marginBottom: 24 }}>
        {[
          ['User name', user!.username],
          ['E-mail', user!.email ?? 'None'],
          ['Superuser', user!.super_user ? 'Yes: administers every organization and user' : 'No'],
          ['Organizations', user!.organizations.map((o) => o.name).join(', ') || 'None yet'],
        ].map(([term, value]) => (
          <DescriptionListGroup key={term}>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription>{value}</DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
      <Card>
        <CardTitle component="h2">Change your password</CardTitle>
        <CardBody>
          {done ? <Alert component="p" variant="success" isInline title="Your password is changed." style={{ marginBottom: 16 }} /> : null}
          {problem && !errors.password ? <Alert component="p" variant="danger" isInline title={errorText(problem)} style={{ marginBottom: 16 }} /> : null}
          <Form
            style={{ maxWidth: 480 }}
            onSubmit={(e) => {
              e.preventDefault();
              setProblem(null);
              setDone(false);
              api('PUT', '/user/', { password })
                .then(() => {
                  setDone(true);
                  setPassword('');
                })
                .catch(setProblem);
            }}
          >
            <FormGroup label="New password" fieldId="new-password" isRequired>
              <TextInput id="new-password" type="password" autoComplete="new-password" isRequired value={password} onChange={(_e, v) => setPassword(v)} validated={errors.password ? 'error' : 'default'} aria-describedby="new-password-help" />
              <FieldHelp id="new-password" error={errors.password} help="8 characters or more." />
            </FormGroup>
            <ActionGroup>
              <Button type="submit" variant="secondary" isDisabled={!password}>
                Change password
              </Button>
            </ActionGroup>
          </Form>
        </CardBody>
      </Card>
    </>
  );
}

function Tokens() {
  const tokens = useApi<ApiTokenList>('/user/apptoken');
  const [title, setTitle] = useState('');
  const [scopes, setScopes] = useState<string[]>(['repo:read']);
  const [expiry, setExpiry] = useState('30');
  const [made, setMade] = useState<CreatedApiToken['token'] | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const errors = fieldErrors(problem);
  const create = async () => {
    setProblem(null);
    setMade(null);
    try {
      const answer = await api<CreatedApiToken>('POST', '/user/apptoken', { title: title.trim(), scopes, expiration: expiryOf(expiry, new Date()) });
      setMade(answer.token);
      setTitle('');
      await tokens.reload();
    } catch (error) {
      setProblem(error);
    }
  };
  const revoke = async (uuid: string) => {
    setProblem(null);
    try {
      await api('DELETE', `/user/apptoken/${seg(uuid)}`);
      await tokens.reload();
    } catch (error) {
      setProblem(error);
    }
  };
  const list = tokens.data?.tokens ?? [];
  return (
    <>
      {made ? (
        <Reveal key={made.uuid}>
        <Alert component="p" variant="success" isInline title={`Token "${made.title}" is made. Copy it now: this page does not show it again.`} style={{ marginBottom: 16 }}>
          <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="The new token" copyAriaLabel="Copy The new token">
            {made.token_code}
          </ClipboardCopy>
          <p style={{ marginTop: 8 }}>
            Send it as <code>Authorization: Bearer &lt;token&gt;</code>, or give it to the ferry CLI as FERRY_TOKEN.
          </p>
        </Alert>
        </Reveal>
      ) : null}
      {problem && !Object.keys(errors).length ? <Alert component="p" variant="danger" isInline title={errorText(problem)} style={{ marginBottom: 16 }} /> : null}
      {tokens.data && list.length === 0 ? (
        <p style={{ marginBottom: 16 }}>You have no API tokens yet. Scripts and the ferry CLI sign in with one: create it below.</p>
      ) : (
        <Table aria-label="API tokens" variant="compact">
          <Thead>
            <Tr>
              <Th>Title</Th>
              <Th>May</Th>
              <Th>Created</Th>
              <Th>Expires</Th>
              <Th>Last used</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {list.map((t) => (
              <Tr key={t.uuid}>
                <Td dataLabel="Title">{t.title}</Td>
                <Td dataLabel="May">{t.scopes.map((s) => SCOPE_WORDS[s] ?? s).join(', ')}</Td>
                <Td dataLabel="Created">{when(t.created)}</Td>
                <Td dataLabel="Expires">{t.expiration ? when(t.expiration) : 'Never'}</Td>
                <Td dataLabel="Last used">{t.last_accessed ? when(t.last_accessed) : 'Never'}</Td>
                <Td dataLabel="Actions">
                  <ConfirmButton variant="link" isDanger size="sm" title={`Revoke "${t.title}"?`} body="Whatever uses it is refused from now on." confirm="Revoke" onConfirm={() => revoke(t.uuid)}>
                    Revoke
                  </ConfirmButton>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <FormCard
        title="Create an API token"
        onSubmit={() => {
          void create();
        }}
      >
        <FormGroup label="Title" fieldId="token-title" isRequired>
          <TextInput id="token-title" isRequired value={title} onChange={(_e, v) => setTitle(v)} validated={errors.title ? 'error' : 'default'} aria-describedby="token-title-help" />
          <FieldHelp id="token-title" error={errors.title} help="What uses it, such as ci-pipeline." />
        </FormGroup>
        <FormGroup label="What it may do" fieldId="token-scopes" role="group" isStack>
          {Object.entries(SCOPE_WORDS).map(([scope, words]) => (
            <Checkbox key={scope} id={`scope-${scope.replace(':', '-')}`} label={`${words} (${scope})`} isChecked={scopes.includes(scope)} onChange={(_e, on) => setScopes((list) => (on ? [...list, scope] : list.filter((s) => s !== scope)))} />
          ))}
          <FieldHelp id="token-scopes" error={errors.scopes} help={scopes.length ? `${scopes.length} selected.` : 'Select at least one.'} />
        </FormGroup>
        <FormGroup label="Expires" fieldId="token-expiry">
          <FormSelect id="token-expiry" value={expiry} onChange={(_e, v) => setExpiry(v)} validated={errors.expiration ? 'error' : 'default'}>
            {Object.entries(EXPIRY_CHOICES).map(([value, label]) => (
              <FormSelectOption key={value} value={value} label={label} />
            ))}
          </FormSelect>
          <FieldHelp id="token-expiry" error={errors.expiration} />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isDisabled={!title.trim() || scopes.length === 0}>
            Create token
          </Button>
        </ActionGroup>
      </FormCard>
    </>
  );
}
