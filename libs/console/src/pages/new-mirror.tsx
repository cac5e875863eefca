import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Card, CardBody, Content, FormGroup, Grid, GridItem, PageSection, TextInput, Title } from '@patternfly/react-core';
import { seg } from '../api';
import { FieldHelp } from '../components/field-help';
import { MirrorForm } from '../components/mirror-form';
import { useSession } from '../session';

/** A new mirror: the organization and repository it writes to, then the Mirroring tab's fields. */
export function NewMirrorPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const [namespace, setNamespace] = useState(user?.organizations[0]?.name ?? '');
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
      <PageSection>
        <Title headingLevel="h1">Create a mirror</Title>
        <Content component="p">The repository is created in state MIRROR when it does not exist, and the robot gets write on it.</Content>
      </PageSection>
      <PageSection>
        <Card>
          <CardBody>
            <Grid hasGutter md={6} style={{ maxWidth: 960, marginBottom: 16 }}>
              <GridItem>
                <FormGroup label="Organization" fieldId="namespace" isRequired>
                  <TextInput id="namespace" list="organizations" value={namespace} onChange={(_e, v) => setNamespace(v.trim())} validated={own.namespace ? 'error' : 'default'} aria-describedby="namespace-help" />
                  <datalist id="organizations">
                    {user?.organizations.map((o) => <option key={o.name} value={o.name} />)}
                  </datalist>
                  {help('namespace', 'namespace', 'An organization you administer.')}
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
