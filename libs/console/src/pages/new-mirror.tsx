import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Card, CardBody, FormGroup, FormSelect, FormSelectOption, Grid, GridItem, PageSection, TextInput } from '@patternfly/react-core';
import { Empty } from '../components/empty';
import { PageHeader } from '../components/page-header';
import { seg } from '../api';
import { FieldHelp } from '../components/field-help';
import { MirrorForm } from '../components/mirror-form';
import { useSession } from '../session';

/** A new mirror: the organization and repository it writes to, then the Mirroring tab's fields. */
export function NewMirrorPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [namespace, setNamespace] = useState(params.get('organization') ?? user?.organizations.find((o) => o.is_org_admin)?.name ?? '');
  const [repository, setRepository] = useState('');
  const [own, setOwn] = useState<Record<string, string>>({});
  const check = () => {
    const problems: Record<string, string> = {};
    if (!namespace.trim()) problems.namespace = 'is required: the organization the mirror writes into';
    if (!repository.trim()) problems.repository = 'is required: the repository the mirror writes into';
    setOwn(problems);
    return Object.keys(problems).length === 0;
  };
  const help = (id: string, field: string, text: string) => <FieldHelp id={id} error={own[field]} help={text} />;
  return (
    <>
      <PageHeader
        title="Create a mirror"
        crumbs={[{ label: 'Repositories', to: '/' }, { label: 'Create a mirror' }]}
        description="Copy one upstream repository into an organization, on a schedule. The repository is made when it does not exist, and the robot account gets write on it."
      />
      {user!.organizations.length === 0 ? (
        <PageSection>
          <Empty title="Create an organization first" to="/organizations" action="Create an organization">
            A mirror writes into an organization, with one of its robot accounts.
          </Empty>
        </PageSection>
      ) : null}
      <PageSection>
        <Card>
          <CardBody>
            <Grid hasGutter md={6} style={{ maxWidth: 960, marginBottom: 16 }}>
              <GridItem>
                <FormGroup label="Organization" fieldId="namespace" isRequired>
                  <FormSelect id="namespace" value={namespace} onChange={(_e, v) => setNamespace(v)} validated={own.namespace ? 'error' : 'default'} aria-describedby="namespace-help">
                    <FormSelectOption value="" label="Choose an organization" isPlaceholder />
                    {user?.organizations.map((o) => <FormSelectOption key={o.name} value={o.name} label={o.name} isDisabled={!o.is_org_admin} />)}
                  </FormSelect>
                  {help('namespace', 'namespace', 'An organization you administer; its robot accounts are offered below.')}
                </FormGroup>
              </GridItem>
              <GridItem>
                <FormGroup label="Repository" fieldId="repository" isRequired>
                  <TextInput id="repository" value={repository} onChange={(_e, v) => setRepository(v.trim())} validated={own.repository ? 'error' : 'default'} aria-describedby="repository-help" />
                  {help('repository', 'repository', 'The mirrored repository\'s name in Ferry, e.g. etcd.')}
                </FormGroup>
              </GridItem>
            </Grid>
            <MirrorForm
              namespace={namespace}
              repository={repository}
              mirror={null}
              beforeCreate={check}
              onSaved={() => navigate(`/repository/${seg(namespace)}/${seg(repository)}?tab=mirroring`)}
            />
          </CardBody>
        </Card>
      </PageSection>
    </>
  );
}
