import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ActionGroup, Alert, Button, Card, CardBody, CardTitle, Form, FormGroup, PageSection, TextInput } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, fieldErrors, seg } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { Empty } from '../components/empty';
import { FieldHelp } from '../components/field-help';
import { PageHeader } from '../components/page-header';
import { count } from '../logic/format';
import { useSession } from '../session';
import { useApi } from '../use-api';
import type { RepositoryList } from '../types';

/** The organizations the user belongs to, with how many repositories each holds; create and delete. */
export function OrganizationsPage() {
  const { user, reload } = useSession();
  const navigate = useNavigate();
  const repositories = useApi<RepositoryList>('/repository');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const errors = fieldErrors(problem);
  const organizations = user!.organizations;
  const repoCount = (org: string) => (repositories.data?.repositories ?? []).filter((r) => r.namespace === org).length;
  const create = async () => {
    setProblem(null);
    try {
      await api('POST', '/organization/', { name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}) });
      await reload();
      navigate(`/organization/${seg(name.trim())}`);
    } catch (error) {
      setProblem(error);
    }
  };
  const remove = async (org: string) => {
    setProblem(null);
    try {
      await api('DELETE', `/organization/${seg(org)}`);
      setDone(`Organization ${org} was deleted.`);
      await reload();
    } catch (error) {
      setProblem(error);
    }
  };
  return (
    <>
      <PageHeader title="Organizations" crumbs={[{ label: 'Organizations' }]} description="An organization holds repositories, the robot accounts that write them, teams of people and the rules every mirror in it follows." />
      <PageSection>
        {done ? <Alert component="p" variant="success" isInline title={done} style={{ marginBottom: 16 }} /> : null}
        {problem && !Object.keys(errors).length ? <Alert component="p" variant="danger" isInline title="That did not work" style={{ marginBottom: 16 }}>{errorText(problem)}</Alert> : null}
        {organizations.length === 0 ? (
          <Empty title="No organization yet">Create an organization below: mirrors, robots and teams all live in one.</Empty>
        ) : (
          <Table aria-label="Organizations" variant="compact">
            <Thead>
              <Tr>
                <Th>Organization</Th>
                <Th>Repositories</Th>
                <Th>Your role</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {organizations.map((o) => (
                <Tr key={o.name}>
                  <Td dataLabel="Organization">
                    <Link to={`/organization/${seg(o.name)}`}>{o.name}</Link>
                  </Td>
                  <Td dataLabel="Repositories">{repositories.data ? count(repoCount(o.name), 'repository', 'repositories') : '…'}</Td>
                  <Td dataLabel="Your role">{o.is_org_admin ? 'Administrator' : 'Member'}</Td>
                  <Td dataLabel="Actions" isActionCell>
                    {o.is_org_admin ? (
                      <ConfirmButton
                        variant="link"
                        isDanger
                        title={`Delete organization ${o.name}?`}
                        body={`Its ${count(repoCount(o.name), 'repository', 'repositories')}, mirrors, robots, teams and rules are deleted with it. The images on the registry are not.`}
                        confirm="Delete organization"
                        onConfirm={() => remove(o.name)}
                        aria-label={`Delete ${o.name}`}
                      >
                        Delete
                      </ConfirmButton>
                    ) : null}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
      <PageSection>
        <Card>
          <CardTitle component="h2">Create an organization</CardTitle>
          <CardBody>
            <Form
              style={{ maxWidth: 640 }}
              onSubmit={(e) => {
                e.preventDefault();
                void create();
              }}
            >
              <FormGroup label="Name" fieldId="org-name" isRequired>
                <TextInput id="org-name" isRequired value={name} onChange={(_e, v) => setName(v)} validated={errors.name ? 'error' : 'default'} aria-describedby="org-name-help" />
                <FieldHelp id="org-name" error={errors.name} help="Lowercase letters, digits, and . _ - between them; it becomes the first part of every repository's path." />
              </FormGroup>
              <FormGroup label="Contact e-mail" fieldId="org-email">
                <TextInput id="org-email" type="email" value={email} onChange={(_e, v) => setEmail(v)} validated={errors.email ? 'error' : 'default'} aria-describedby="org-email-help" />
                <FieldHelp id="org-email" error={errors.email} help="Optional." />
              </FormGroup>
              <ActionGroup>
                <Button type="submit" variant="primary" isDisabled={!name.trim()}>
                  Create organization
                </Button>
              </ActionGroup>
            </Form>
          </CardBody>
        </Card>
      </PageSection>
    </>
  );
}
