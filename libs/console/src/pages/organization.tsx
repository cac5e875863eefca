import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import {
  ActionGroup,
  Alert,
  Button,
  ClipboardCopy,
  ClipboardCopyVariant,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Label,
  Modal,
  ModalBody,
  ModalHeader,
  PageSection,
  Tab,
  Tabs,
  TabTitleText,
  TextInput,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, fieldErrors, seg } from '../api';
import { count, when } from '../logic/format';
import { ConfirmButton } from '../components/confirm-button';
import { Empty } from '../components/empty';
import { FieldHelp } from '../components/field-help';
import { NotificationRules } from '../components/notification-rules';
import { OrgMirrorTab } from '../components/org-mirror-tab';
import { ProxyCacheTab } from '../components/proxy-cache-tab';
import { PageHeader } from '../components/page-header';
import { Permissions } from '../components/permissions';
import { MirrorStatusLabel } from '../components/status';
import { useApi } from '../use-api';
import { Reveal } from '../components/reveal';
import type { Organization, Prototype, RepositoryList, Robot, RobotCredentials, RobotList, TeamMembers } from '../types';
import { FormCard } from '../components/form-card';

const TABS = ['repositories', 'mirroring', 'proxycache', 'teams', 'robots', 'members', 'defaults', 'notifications'] as const;
type TabKey = (typeof TABS)[number];

/** An organization, as Quay's organization page: its repositories, mirroring, teams, robots, members, default permissions and notification rules. */
export function OrganizationPage() {
  const { namespace = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'repositories';
  const org = useApi<Organization>(`/organization/${seg(namespace)}`);
  return (
    <>
      <PageHeader
        title={namespace}
        badge={org.data ? <Label color={org.data.is_admin ? 'blue' : 'grey'}>{org.data.is_admin ? 'You administer it' : 'Member'}</Label> : null}
        crumbs={[{ label: 'Organizations', to: '/organizations' }, { label: namespace }]}
        description="Everything in this organization: its repositories and how they are mirrored, who may do what, and the rules its mirrors follow."
      />
      {org.error ? (
        <PageSection>
          <Alert component="p" variant="danger" isInline title="The organization cannot be read">
            {errorText(org.error)}
          </Alert>
        </PageSection>
      ) : null}
      <PageSection>
        <Tabs activeKey={tab} onSelect={(_e, key) => setParams({ tab: String(key) })} aria-label="Organization" mountOnEnter unmountOnExit>
          <Tab eventKey="repositories" title={<TabTitleText>Repositories</TabTitleText>}>
            <Repositories namespace={namespace} />
          </Tab>
          <Tab eventKey="mirroring" title={<TabTitleText>Organization mirroring</TabTitleText>}>
            <OrgMirrorTab namespace={namespace} />
          </Tab>
          <Tab eventKey="proxycache" title={<TabTitleText>Proxy cache</TabTitleText>}>
            <ProxyCacheTab namespace={namespace} />
          </Tab>
          <Tab eventKey="teams" title={<TabTitleText>Teams</TabTitleText>}>
            <Teams namespace={namespace} org={org.data} reload={() => void org.reload()} />
          </Tab>
          <Tab eventKey="robots" title={<TabTitleText>Robot accounts</TabTitleText>}>
            <Robots namespace={namespace} />
          </Tab>
          <Tab eventKey="members" title={<TabTitleText>Members and roles</TabTitleText>}>
            <Permissions base={`/organization/${seg(namespace)}/permissions/user`} what="organization" />
          </Tab>
          <Tab eventKey="defaults" title={<TabTitleText>Default permissions</TabTitleText>}>
            <DefaultPermissions namespace={namespace} />
          </Tab>
          <Tab eventKey="notifications" title={<TabTitleText>Notification rules</TabTitleText>}>
            <NotificationRules base={`/organization/${seg(namespace)}/notification`} scope="organization" />
          </Tab>
        </Tabs>
      </PageSection>
    </>
  );
}

function Repositories({ namespace }: { namespace: string }) {
  const list = useApi<RepositoryList>(`/repository?namespace=${seg(namespace)}`, 5000);
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  if (list.error) return <Alert component="p" variant="danger" isInline title="The repositories cannot be read">{errorText(list.error)}</Alert>;
  const repositories = list.data?.repositories ?? [];
  if (list.data && repositories.length === 0 && robots.data && robots.data.robots.length === 0) {
    return (
      <Empty title="No repositories yet" to={`/organization/${seg(namespace)}?tab=robots`} action="Create a robot account">
        Mirrors write with a robot account of {namespace}: create one first. Then mirror one upstream repository here, or a whole upstream namespace from the Organization mirroring tab.
      </Empty>
    );
  }
  if (list.data && repositories.length === 0) {
    return (
      <Empty title="No repositories yet" to={`/new-mirror?organization=${seg(namespace)}`} action="Create a mirror">
        Mirror one upstream repository here, or a whole upstream namespace from the Organization mirroring tab.
      </Empty>
    );
  }
  return (
    <Table aria-label={`Repositories of ${namespace}`} variant="compact">
      <Thead>
        <Tr>
          <Th>Repository</Th>
          <Th>Upstream</Th>
          <Th>Status</Th>
          <Th>Last sync</Th>
        </Tr>
      </Thead>
      <Tbody>
        {repositories.map((r) => (
          <Tr key={r.name}>
            <Td dataLabel="Repository">
              <Link to={`/repository/${seg(namespace)}/${seg(r.name)}`}>{r.name}</Link>
            </Td>
            <Td dataLabel="Upstream">
              <span className="ferry-mono">{r.mirror?.external_reference ?? '—'}</span>
            </Td>
            <Td dataLabel="Status">{r.mirror ? <MirrorStatusLabel status={r.mirror.sync_status} enabled={r.mirror.is_enabled} /> : 'Not mirrored'}</Td>
            <Td dataLabel="Last sync">{r.mirror ? when(r.mirror.last_sync) : '—'}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

const TEAM_ROLE_WORDS: Record<string, string> = { member: 'Member: reads what the team is given', creator: 'Creator: also creates repositories', admin: 'Admin: administers the organization' };

function Teams({ namespace, org, reload }: { namespace: string; org: Organization | undefined; reload: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('member');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const errors = fieldErrors(problem);
  const teams = org?.ordered_teams?.map((t) => org.teams![t]!).filter(Boolean) ?? [];
  const act = async (run: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await run();
      reload();
      return true;
    } catch (error) {
      setProblem(error);
      return false;
    }
  };
  return (
    <>
      {problem && !errors.role && !errors.description ? <Alert component="p" variant="danger" isInline title="That did not work" style={{ marginBottom: 16 }}>{errorText(problem)}</Alert> : null}
      {org && teams.length === 0 ? (
        <Empty title="No teams yet">A team gives its members one role together. Create one below, then add members to it.</Empty>
      ) : (
        <Table aria-label="Teams" variant="compact">
          <Thead>
            <Tr>
              <Th>Team</Th>
              <Th>Role</Th>
              <Th>Members</Th>
              <Th>Repositories</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {teams.map((t) => (
              <Tr key={t.name}>
                <Td dataLabel="Team">
                  {t.name}
                  {t.description ? <div className="ferry-details">{t.description}</div> : null}
                </Td>
                <Td dataLabel="Role">{t.role}</Td>
                <Td dataLabel="Members">{count(t.member_count, 'member')}</Td>
                <Td dataLabel="Repositories">{count(t.repo_count, 'repository', 'repositories')}</Td>
                <Td dataLabel="Actions">
                  <Button variant="secondary" size="sm" onClick={() => setOpen(t.name)}>
                    Members
                  </Button>{' '}
                  <ConfirmButton variant="link" isDanger size="sm" title={`Delete team ${t.name}?`} body="Its members lose the roles the team gave them." confirm="Delete team" onConfirm={() => void act(() => api('DELETE', `/organization/${seg(namespace)}/team/${seg(t.name)}`))}>
                    Delete
                  </ConfirmButton>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {open ? <TeamMembersModal namespace={namespace} team={open} onClose={() => { setOpen(null); reload(); }} /> : null}
      <FormCard
        title="Create a team"
        onSubmit={() => {
          void act(() => api('PUT', `/organization/${seg(namespace)}/team/${seg(name.trim())}`, { role, description })).then((ok) => {
            if (ok) {
              setName('');
              setDescription('');
            }
          });
        }}
      >
        <FormGroup label="Team name" fieldId="team-name" isRequired>
          <TextInput id="team-name" isRequired value={name} onChange={(_e, v) => setName(v)} aria-describedby="team-name-help" />
          <FieldHelp id="team-name" help="Lowercase letters and digits, such as platform." />
        </FormGroup>
        <FormGroup label="Role in the organization" fieldId="team-role">
          <FormSelect id="team-role" value={role} onChange={(_e, v) => setRole(v)} validated={errors.role ? 'error' : 'default'}>
            {Object.entries(TEAM_ROLE_WORDS).map(([value, label]) => (
              <FormSelectOption key={value} value={value} label={label} />
            ))}
          </FormSelect>
          <FieldHelp id="team-role" error={errors.role} />
        </FormGroup>
        <FormGroup label="Description" fieldId="team-description">
          <TextInput id="team-description" value={description} onChange={(_e, v) => setDescription(v)} validated={errors.description ? 'error' : 'default'} />
          <FieldHelp id="team-description" error={errors.description} />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isDisabled={!name.trim()}>
            Create team
          </Button>
        </ActionGroup>
      </FormCard>
    </>
  );
}

function TeamMembersModal({ namespace, team, onClose }: { namespace: string; team: string; onClose: () => void }) {
  const base = `/organization/${seg(namespace)}/team/${seg(team)}/members`;
  const members = useApi<TeamMembers>(base);
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  const [who, setWho] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = async (method: 'PUT' | 'DELETE', name: string) => {
    setProblem(null);
    try {
      await api(method, `${base}/${seg(name)}`);
      setWho('');
      await members.reload();
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="team-members-title">
      <ModalHeader title={`Members of team ${team}`} labelId="team-members-title" />
      <ModalBody>
        {problem ? <Alert component="p" variant="danger" isInline title={problem} style={{ marginBottom: 16 }} /> : null}
        <Table aria-label={`Members of ${team}`} variant="compact">
          <Thead>
            <Tr>
              <Th>Member</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {(members.data?.members ?? []).map((m) => (
              <Tr key={m.name}>
                <Td dataLabel="Member">
                  {m.name} {m.is_robot ? <Label isCompact>robot</Label> : null}
                </Td>
                <Td dataLabel="Actions">
                  <Button variant="link" isDanger onClick={() => void change('DELETE', m.name)}>
                    Remove {m.name}
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        {members.data && members.data.members.length === 0 ? <p>No members yet.</p> : null}
        <Form
          style={{ marginTop: 16 }}
          onSubmit={(e) => {
            e.preventDefault();
            void change('PUT', who.trim());
          }}
        >
          <FormGroup label="Add a user or robot" fieldId="member-name">
            <TextInput id="member-name" list="member-robots" value={who} onChange={(_e, v) => setWho(v)} aria-describedby="member-name-help" />
            <datalist id="member-robots">
              {(robots.data?.robots ?? []).map((r) => (
                <option key={r.name} value={r.name} />
              ))}
            </datalist>
            <FieldHelp id="member-name" help={`A user name, or a robot of ${namespace} (${namespace}+name).`} />
          </FormGroup>
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={!who.trim()}>
              Add member
            </Button>
            <Button variant="link" onClick={onClose}>
              Done
            </Button>
          </ActionGroup>
        </Form>
      </ModalBody>
    </Modal>
  );
}

function Robots({ namespace }: { namespace: string }) {
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const [credentials, setCredentials] = useState<string | null>(null);
  const [made, setMade] = useState<string | null>(null);
  const errors = fieldErrors(problem);
  const act = async (run: () => Promise<Robot | void | unknown>) => {
    setProblem(null);
    setMade(null);
    try {
      const answer = await run();
      await robots.reload();
      return answer;
    } catch (error) {
      setProblem(error);
      return undefined;
    }
  };
  const short = (full: string) => full.slice(full.indexOf('+') + 1);
  return (
    <>
      {problem && !errors.name ? <Alert component="p" variant="danger" isInline title="That did not work" style={{ marginBottom: 16 }}>{errorText(problem)}</Alert> : null}
      {made ? (
        <Reveal key={made}>
        <Alert component="p" variant="success" isInline title={`Robot account ${made} is ready.`} style={{ marginBottom: 16 }} actionLinks={<Button variant="link" isInline onClick={() => setCredentials(made)}>Show its credentials</Button>}>
          Pick it as the robot of a mirror, or give it to a registry client as its login.
        </Alert>
        </Reveal>
      ) : null}
      {robots.error ? <Alert component="p" variant="danger" isInline title="The robot accounts cannot be read">{errorText(robots.error)}</Alert> : null}
      {robots.data && robots.data.robots.length === 0 ? (
        <Empty title="No robot accounts yet">A robot account writes the images a mirror copies, and lets machines pull them. Create one below.</Empty>
      ) : (
        <Table aria-label="Robot accounts" variant="compact">
          <Thead>
            <Tr>
              <Th>Robot account</Th>
              <Th>Description</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {(robots.data?.robots ?? []).map((r) => (
              <Tr key={r.name}>
                <Td dataLabel="Robot account">
                  <span className="ferry-mono">{r.name}</span>
                </Td>
                <Td dataLabel="Description">{r.description || '—'}</Td>
                <Td dataLabel="Created">{when(r.created)}</Td>
                <Td dataLabel="Last used">{r.last_accessed ? when(r.last_accessed) : 'Never'}</Td>
                <Td dataLabel="Actions">
                  <Button variant="secondary" size="sm" onClick={() => setCredentials(r.name)}>
                    Credentials
                  </Button>{' '}
                  <ConfirmButton
                    variant="link"
                    size="sm"
                    title={`A new token for ${r.name}?`}
                    body="The robot's current token stops working at once; mirrors read the new one on their next run, but clients that log in with it need the new one."
                    confirm="Make a new token"
                    onConfirm={() => void act(() => api<Robot>('POST', `/organization/${seg(namespace)}/robots/${seg(short(r.name))}/regenerate`)).then(() => setCredentials(r.name))}
                  >
                    New token
                  </ConfirmButton>{' '}
                  <ConfirmButton
                    variant="link"
                    isDanger
                    size="sm"
                    title={`Delete ${r.name}?`}
                    body="It loses every role it holds; mirrors that write with it fail until they are given another robot."
                    confirm="Delete"
                    onConfirm={() => void act(() => api('DELETE', `/organization/${seg(namespace)}/robots/${seg(short(r.name))}`))}
                  >
                    Delete
                  </ConfirmButton>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {credentials ? <CredentialsModal namespace={namespace} robot={credentials} onClose={() => setCredentials(null)} /> : null}
      <FormCard
        title="Create a robot account"
        onSubmit={() => {
          void act(() => api<Robot>('PUT', `/organization/${seg(namespace)}/robots/${seg(name.trim())}`, { description })).then((robot) => {
            if (robot) {
              setMade((robot as Robot).name);
              setName('');
              setDescription('');
            }
          });
        }}
      >
        <FormGroup label="Robot name" fieldId="robot-name" isRequired>
          <TextInput id="robot-name" isRequired value={name} onChange={(_e, v) => setName(v)} validated={errors.name ? 'error' : 'default'} aria-describedby="robot-name-help" />
          <FieldHelp id="robot-name" error={errors.name} help={`Its full name becomes ${namespace}+${name.trim() || 'name'}.`} />
        </FormGroup>
        <FormGroup label="Description" fieldId="robot-description">
          <TextInput id="robot-description" value={description} onChange={(_e, v) => setDescription(v)} />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isDisabled={!name.trim()}>
            Create robot account
          </Button>
        </ActionGroup>
      </FormCard>
    </>
  );
}

/** "View credentials", as Quay's robot dialog: the token as a Docker login, a config.json and a Kubernetes secret. */
function CredentialsModal({ namespace, robot, onClose }: { namespace: string; robot: string; onClose: () => void }) {
  const short = robot.slice(robot.indexOf('+') + 1);
  const creds = useApi<RobotCredentials>(`/organization/${seg(namespace)}/robots/${seg(short)}/credentials`);
  const [tab, setTab] = useState<string | number>('login');
  const c = creds.data;
  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="credentials-title">
      <ModalHeader title={`Credentials of ${robot}`} labelId="credentials-title" description="Reading them is recorded in the usage logs. Anyone with these can push and pull what the robot may." />
      <ModalBody>
        {creds.error ? <Alert component="p" variant="danger" isInline title="The credentials cannot be read">{errorText(creds.error)}</Alert> : null}
        {c ? (
          <Tabs activeKey={tab} onSelect={(_e, k) => setTab(k)} aria-label="Credential formats">
            <Tab eventKey="login" title={<TabTitleText>Docker login</TabTitleText>}>
              <p>Username</p>
              <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="Username" copyAriaLabel="Copy Username">
                {c.username}
              </ClipboardCopy>
              <p style={{ marginTop: 8 }}>Password (token)</p>
              <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="Token" copyAriaLabel="Copy Token">
                {c.password}
              </ClipboardCopy>
              <p style={{ marginTop: 8 }}>Command</p>
              <ClipboardCopy isReadOnly isCode hoverTip="Copy" clickTip="Copied" variant={ClipboardCopyVariant.expansion} textAriaLabel="docker login command" copyAriaLabel="Copy docker login command">
                {c.docker_login}
              </ClipboardCopy>
            </Tab>
            <Tab eventKey="config" title={<TabTitleText>Docker config.json</TabTitleText>}>
              <p>Put this in ~/.docker/config.json:</p>
              <ClipboardCopy isReadOnly isCode hoverTip="Copy" clickTip="Copied" variant={ClipboardCopyVariant.expansion} isExpanded textAriaLabel="config.json" copyAriaLabel="Copy config.json">
                {JSON.stringify(c.docker_config, null, 2)}
              </ClipboardCopy>
            </Tab>
            <Tab eventKey="kubernetes" title={<TabTitleText>Kubernetes secret</TabTitleText>}>
              <p>Save as a file and run kubectl apply -f on it; name it under imagePullSecrets.</p>
              <ClipboardCopy isReadOnly isCode hoverTip="Copy" clickTip="Copied" variant={ClipboardCopyVariant.expansion} isExpanded textAriaLabel="Kubernetes secret" copyAriaLabel="Copy Kubernetes secret">
                {JSON.stringify(c.kubernetes_secret, null, 2)}
              </ClipboardCopy>
            </Tab>
          </Tabs>
        ) : null}
      </ModalBody>
    </Modal>
  );
}

function DefaultPermissions({ namespace }: { namespace: string }) {
  const base = `/organization/${seg(namespace)}/prototypes`;
  const list = useApi<{ prototypes: Prototype[] }>(base);
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  const [delegate, setDelegate] = useState('');
  const [kind, setKind] = useState<'user' | 'team'>('user');
  const [role, setRole] = useState('read');
  const [creator, setCreator] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const errors = fieldErrors(problem);
  const act = async (run: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await run();
      await list.reload();
      return true;
    } catch (error) {
      setProblem(error);
      return false;
    }
  };
  const prototypes = list.data?.prototypes ?? [];
  return (
    <>
      {problem && !Object.keys(errors).length ? <Alert component="p" variant="danger" isInline title="That did not work" style={{ marginBottom: 16 }}>{errorText(problem)}</Alert> : null}
      {list.data && prototypes.length === 0 ? (
        <Empty title="No default permissions">A default permission gives a user, robot or team a role on every repository created in {namespace} from now on. Add one below.</Empty>
      ) : (
        <Table aria-label="Default permissions" variant="compact">
          <Thead>
            <Tr>
              <Th>Applies when created by</Th>
              <Th>Who gets it</Th>
              <Th>Role</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {prototypes.map((p) => (
              <Tr key={p.id}>
                <Td dataLabel="Applies when created by">{p.activating_user ? p.activating_user.name : 'Anyone'}</Td>
                <Td dataLabel="Who gets it">
                  {p.delegate.name} {p.delegate.kind === 'team' ? <Label isCompact>team</Label> : p.delegate.is_robot ? <Label isCompact>robot</Label> : null}
                </Td>
                <Td dataLabel="Role">{p.role}</Td>
                <Td dataLabel="Actions">
                  <ConfirmButton variant="link" isDanger size="sm" title="Remove this default permission?" body="Repositories created before keep their roles." confirm="Remove" onConfirm={() => void act(() => api('DELETE', `${base}/${seg(p.id)}`))}>
                    Remove
                  </ConfirmButton>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <FormCard
        title="Add a default permission"
        onSubmit={() => {
          void act(() => api('POST', base, { role, delegate: { name: delegate.trim(), kind }, ...(creator.trim() ? { activating_user: { name: creator.trim() } } : {}) })).then((ok) => ok && setDelegate(''));
        }}
      >
        <FormGroup label="Give it to a" fieldId="prototype-kind">
          <FormSelect id="prototype-kind" value={kind} onChange={(_e, v) => setKind(v as 'user' | 'team')}>
            <FormSelectOption value="user" label="User or robot" />
            <FormSelectOption value="team" label="Team" />
          </FormSelect>
        </FormGroup>
        <FormGroup label={kind === 'team' ? 'Team' : 'User or robot'} fieldId="prototype-delegate" isRequired>
          <TextInput id="prototype-delegate" isRequired list="prototype-robots" value={delegate} onChange={(_e, v) => setDelegate(v)} validated={errors['delegate.name'] ? 'error' : 'default'} aria-describedby="prototype-delegate-help" />
          <datalist id="prototype-robots">
            {kind === 'user' ? (robots.data?.robots ?? []).map((r) => <option key={r.name} value={r.name} />) : null}
          </datalist>
          <FieldHelp id="prototype-delegate" error={errors['delegate.name'] ?? errors.delegate} help={kind === 'team' ? 'A team of this organization.' : `A user name, or a robot such as ${namespace}+syncer.`} />
        </FormGroup>
        <FormGroup label="Role" fieldId="prototype-role">
          <FormSelect id="prototype-role" value={role} onChange={(_e, v) => setRole(v)}>
            <FormSelectOption value="read" label="Read: pull" />
            <FormSelectOption value="write" label="Write: pull and push" />
            <FormSelectOption value="admin" label="Admin: also change settings" />
          </FormSelect>
        </FormGroup>
        <FormGroup label="Only for repositories created by" fieldId="prototype-creator">
          <TextInput id="prototype-creator" value={creator} onChange={(_e, v) => setCreator(v)} validated={errors['activating_user.name'] ? 'error' : 'default'} aria-describedby="prototype-creator-help" />
          <FieldHelp id="prototype-creator" error={errors['activating_user.name']} help="Optional: leave empty for every new repository." />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isDisabled={!delegate.trim()}>
            Add default permission
          </Button>
        </ActionGroup>
      </FormCard>
    </>
  );
}

