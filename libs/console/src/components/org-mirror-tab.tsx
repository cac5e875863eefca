import { useState } from 'react';
import { Link } from 'react-router';
import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  ExpandableSection,
  Form,
  FormGroup,
  FormSection,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  Label,
  LabelGroup,
  TextInput,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, ApiError, errorText, fieldErrors, seg } from '../api';
import { count, seconds, when } from '../logic/format';
import { UNITS, type Unit } from '../logic/mirror-body';
import { orgMirrorBodyOf, orgMirrorDraftOf, type OrgMirrorDraft } from '../logic/org-mirror-body';
import { ConfirmButton } from './confirm-button';
import { SignaturesGroup } from './signatures-group';
import { signaturePolicyWords } from '../logic/trust-policy';
import { mirrorStatusWords } from '../logic/words';
import { useApi } from '../use-api';
import { FieldHelp } from './field-help';
import { HooksPanel } from './hooks-panel';
import { UsageLogsTab } from './usage-logs-tab';
import { MirrorStatusLabel, StatusLabel } from './status';
import type { OrgMirror, OrgMirrorRepositories, OrgMirrorVerification, RobotList } from '../types';

const TYPES: Record<string, string> = { distribution: 'Docker registry (distribution)', quay: 'Quay', harbor: 'Harbor', dockerhub: 'Docker Hub' };

/** The organization's mirror, or null when it has none (a 404). One function for every render: useApi loads again when its loader changes. */
async function orgMirrorOrNull(path: string): Promise<OrgMirror | null> {
  try {
    return await api<OrgMirror>('GET', path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Quay's organization Mirroring tab: the source, filters, schedule and robot; status counts; the discovered repositories; push hooks. */
export function OrgMirrorTab({ namespace }: { namespace: string }) {
  const base = `/organization/${seg(namespace)}/mirror`;
  const mirror = useApi<OrgMirror | null>(base, 3000, orgMirrorOrNull);
  if (mirror.error) return <Alert component="p" variant="danger" isInline title="The organization mirror cannot be read">{errorText(mirror.error)}</Alert>;
  if (mirror.data === undefined) return null;
  if (mirror.data === null) return <OrgMirrorForm namespace={namespace} onSaved={() => void mirror.reload()} />;
  return <OrgMirrorStatus namespace={namespace} mirror={mirror.data} reload={() => void mirror.reload()} />;
}

/** Delete the organization mirror: its repositories stop mirroring, and stay unless asked otherwise. */
function DeleteOrgMirror({ namespace, onDeleted, onError }: { namespace: string; onDeleted(): void; onError(text: string): void }) {
  const [withRepositories, setWithRepositories] = useState(false);
  return (
    <ConfirmButton
      variant="danger"
      title={`Delete the organization mirror of ${namespace}?`}
      confirm="Delete the organization mirror"
      body={
        <>
          <p>Discovery stops and the repositories it made stop mirroring.</p>
          <Checkbox id="org-delete-repositories" label="Also delete the repositories it made, with their images" isChecked={withRepositories} onChange={(_e, v) => setWithRepositories(v)} />
        </>
      }
      onConfirm={async () => {
        try {
          await api('DELETE', `/organization/${seg(namespace)}/mirror${withRepositories ? '?delete_repositories=true' : ''}`);
          onDeleted();
        } catch (error) {
          onError(errorText(error));
        }
      }}
    >
      Delete organization mirror
    </ConfirmButton>
  );
}

function OrgMirrorStatus({ namespace, mirror, reload }: { namespace: string; mirror: OrgMirror; reload: () => void }) {
  const base = `/organization/${seg(namespace)}/mirror`;
  const [editing, setEditing] = useState(false);
  const repositories = useApi<OrgMirrorRepositories>(`${base}/repositories?limit=500`, 3000);
  const [message, setMessage] = useState<{ variant: 'success' | 'danger' | 'info'; text: string } | null>(null);
  const act = async (path: string, done: string) => {
    setMessage(null);
    try {
      await api('POST', `${base}/${path}`);
      setMessage({ variant: 'success', text: done });
      reload();
    } catch (error) {
      setMessage({ variant: 'danger', text: errorText(error) });
    }
  };
  const verify = async () => {
    setMessage({ variant: 'info', text: 'Testing the connection…' });
    try {
      const answer = await api<OrgMirrorVerification>('POST', `${base}/verify`);
      setMessage({ variant: answer.success ? 'success' : 'danger', text: answer.success ? `Connection works: ${answer.message}` : `Connection failed: ${answer.message}` });
    } catch (error) {
      setMessage({ variant: 'danger', text: errorText(error) });
    }
  };
  const last = mirror.last_discovery;
  const counts = Object.entries(mirror.repo_sync_status_counts).filter(([, n]) => n > 0);
  const discovering = mirror.current_discovery_id !== null;
  if (editing) {
    return (
      <OrgMirrorForm
        namespace={namespace}
        mirror={mirror}
        onCancel={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          setMessage({ variant: 'success', text: 'The organization mirror is saved; its repositories follow.' });
          reload();
        }}
      />
    );
  }
  return (
    <Grid hasGutter>
      <GridItem>
        <Card>
          <CardTitle component="h2">
            Mirroring {mirror.external_namespace || 'the whole registry'} from {mirror.external_registry_url} <MirrorStatusLabel status={mirror.sync_status} enabled={mirror.is_enabled} />
          </CardTitle>
          <CardBody>
            {message ? <Alert component="p" variant={message.variant} isInline title={message.text} style={{ marginBottom: 16 }} /> : null}
            <DescriptionList isHorizontal columnModifier={{ lg: '2Col' }}>
              {[
                ['Source', `${TYPES[mirror.external_registry_type] ?? mirror.external_registry_type}: ${mirror.external_registry_url}`],
                ['Upstream namespace', mirror.external_namespace || 'The whole registry'],
                ['Repository filters', mirror.repository_filters.length ? mirror.repository_filters.join(', ') : 'Every repository'],
                ['Schedule', `Every ${seconds(mirror.sync_interval)}; next ${when(mirror.sync_start_date)}`],
                ['Robot account', mirror.robot_username],
                ['New repositories are', mirror.visibility === 'public' ? 'Public' : 'Private'],
                ['Signatures', signaturePolicyWords(mirror)],
                ['Upstream login', mirror.external_registry_username ? `${mirror.external_registry_username} (password ${mirror.has_external_registry_password ? 'set' : 'not set'})` : 'Anonymous'],
                ['Last discovery', last ? `${when(last.finished_at)}: listed ${count(last.listed, 'repository', 'repositories')}, ${last.matched} selected, ${last.added} added${last.error ? `; failed: ${last.error.message ?? last.error.code}` : ''}` : discovering ? 'Running now' : 'Not yet'],
              ].map(([term, value]) => (
                <DescriptionListGroup key={term}>
                  <DescriptionListTerm>{term}</DescriptionListTerm>
                  <DescriptionListDescription>{value}</DescriptionListDescription>
                </DescriptionListGroup>
              ))}
            </DescriptionList>
            <div style={{ marginTop: 16 }}>
              <LabelGroup categoryName="Repositories by status" numLabels={8}>
                {counts.length ? counts.map(([status, n]) => <StatusLabel key={status} words={{ ...mirrorStatusWords(status), text: `${mirrorStatusWords(status).text}: ${n}` }} />) : <Label color="grey">None discovered yet</Label>}
              </LabelGroup>
            </div>
            <ActionGroup style={{ marginTop: 16, display: 'flex', gap: 8, flexWrap: 'wrap' }}>
              <Button variant="primary" isDisabled={discovering} onClick={() => void act('sync-now', 'A discovery was requested: new repositories appear below as it lists them.')}>
                Sync now
              </Button>
              <Button variant="secondary" onClick={() => void verify()}>
                Test connection
              </Button>
              <Button variant="secondary" onClick={() => setEditing(true)}>
                Edit settings
              </Button>
              <DeleteOrgMirror namespace={namespace} onDeleted={reload} onError={(text) => setMessage({ variant: 'danger', text })} />
              {discovering ? (
                <Button variant="secondary" isDanger onClick={() => void act('sync-cancel', 'The discovery is being cancelled.')}>
                  Cancel discovery
                </Button>
              ) : null}
            </ActionGroup>
          </CardBody>
        </Card>
      </GridItem>
      <GridItem>
        <Card>
          <CardTitle component="h2">Discovered repositories</CardTitle>
          <CardBody>
            {repositories.data && repositories.data.repositories.length === 0 ? <p>None yet: press Sync now, or wait for the schedule.</p> : null}
            {repositories.data?.repositories.length ? (
              <Table aria-label="Discovered repositories" variant="compact">
                <Thead>
                  <Tr>
                    <Th>Repository</Th>
                    <Th>Upstream</Th>
                    <Th>Status</Th>
                    <Th>Discovered</Th>
                    <Th>Last sync</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {repositories.data.repositories.map((r) => (
                    <Tr key={r.name}>
                      <Td dataLabel="Repository">{r.quay_repository ? <Link to={`/repository/${r.quay_repository.split('/').map(seg).join('/')}`}>{r.name}</Link> : r.name}</Td>
                      <Td dataLabel="Upstream">
                        <span className="ferry-mono">{r.upstream_repository}</span>
                      </Td>
                      <Td dataLabel="Status">
                        <MirrorStatusLabel status={r.sync_status} /> {r.status_message ?? ''}
                      </Td>
                      <Td dataLabel="Discovered">{when(r.discovery_date)}</Td>
                      <Td dataLabel="Last sync">{when(r.last_sync_date)}</Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            ) : null}
          </CardBody>
        </Card>
      </GridItem>
      <GridItem>
        <Card>
          <CardTitle component="h2">What the organization mirror did</CardTitle>
          <CardBody>
            <UsageLogsTab path={`${base}/logs?limit=100`} label="Organization mirror log" />
          </CardBody>
        </Card>
      </GridItem>
      <GridItem>
        <HooksPanel base={`${base}/hooks`} />
      </GridItem>
    </Grid>
  );
}

function OrgMirrorForm({ namespace, onSaved, mirror = null, onCancel }: { namespace: string; onSaved: () => void; mirror?: OrgMirror | null; onCancel?: () => void }) {
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  const [draft, setDraft] = useState<OrgMirrorDraft>(() => orgMirrorDraftOf(mirror));
  const set = <K extends keyof OrgMirrorDraft>(key: K) => (value: OrgMirrorDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const { type, url, upstreamNamespace, filters, robot, visibility, interval, unit, start, username, password, verifyTls } = draft;
  const [setType, setUrl, setUpstreamNamespace, setFilters, setRobot, setVisibility, setInterval, setUnit, setStart, setUsername, setPassword, setVerifyTls] = [
    set('type'), set('url'), set('upstreamNamespace'), set('filters'), set('robot'), set('visibility'), set('interval'), set('unit'), set('start'), set('username'), set('password'), set('verifyTls'),
  ];
  const [problem, setProblem] = useState<unknown>(null);
  const errors = fieldErrors(problem);
  const robotList = robots.data?.robots ?? [];
  const submit = async () => {
    setProblem(null);
    try {
      await api(mirror ? 'PUT' : 'POST', `/organization/${seg(namespace)}/mirror`, orgMirrorBodyOf(draft, mirror));
      onSaved();
    } catch (error) {
      setProblem(error);
    }
  };
  const field = (id: string, key: string) => ({ id, validated: errors[key] ? ('error' as const) : ('default' as const), 'aria-describedby': `${id}-help` });
  return (
    <Card>
      <CardTitle component="h2">{mirror ? 'Change the organization mirror' : 'Mirror a whole upstream namespace'}</CardTitle>
      <CardBody>
        <p style={{ marginBottom: 16 }} hidden={!!mirror}>
          Ferry lists the upstream's repositories on a schedule and mirrors each one the filters select into {namespace}, every tag. {namespace} must hold no repositories of its own yet.
        </p>
        {problem && !Object.keys(errors).length ? <Alert component="p" variant="danger" isInline title={mirror ? 'The changes were not saved' : 'The mirror was not created'} style={{ marginBottom: 16 }}>{errorText(problem)}</Alert> : null}
        {robots.data && robotList.length === 0 ? (
          <Alert component="p" variant="warning" isInline title="Create a robot account first" style={{ marginBottom: 16 }}>
            The mirror writes with a robot account of {namespace}. <Link to={`/organization/${seg(namespace)}?tab=robots`}>Create one under Robot accounts</Link>.
          </Alert>
        ) : null}
        <Form
          style={{ maxWidth: 760 }}
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormSection title="Source" titleElement="h3">
            <FormGroup label="Registry type" fieldId="org-type">
              <FormSelect id="org-type" value={type} onChange={(_e, v) => setType(v)}>
                {Object.entries(TYPES).map(([value, label]) => (
                  <FormSelectOption key={value} value={value} label={label} />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label="Registry URL" fieldId="org-url" isRequired>
              <TextInput {...field('org-url', 'external_registry_url')} isRequired value={url} onChange={(_e, v) => setUrl(v)} placeholder="https://registry.example.com" />
              <FieldHelp id="org-url" error={errors.external_registry_url} help="The registry's address only, scheme and host (and port)." />
            </FormGroup>
            <FormGroup label="Upstream namespace" fieldId="org-namespace">
              <TextInput {...field('org-namespace', 'external_namespace')} value={upstreamNamespace} onChange={(_e, v) => setUpstreamNamespace(v)} />
              <FieldHelp id="org-namespace" error={errors.external_namespace} help="The organization or path to list, such as library; empty lists the whole registry (Docker registry only)." />
            </FormGroup>
            <FormGroup label="Repository filters" fieldId="org-filters">
              <TextInput {...field('org-filters', 'repository_filters')} value={filters} onChange={(_e, v) => setFilters(v)} placeholder="svc-*, tools/*" />
              <FieldHelp id="org-filters" error={errors.repository_filters} help="Comma-separated globs over upstream repository names; empty mirrors every one." />
            </FormGroup>
          </FormSection>
          <FormSection title="Schedule and robot" titleElement="h3">
            <FormGroup label="Robot account" fieldId="org-robot" isRequired>
              <FormSelect {...field('org-robot', 'robot_username')} value={robot} onChange={(_e, v) => setRobot(v)}>
                <FormSelectOption value="" label="Choose a robot account" isPlaceholder />
                {robotList.map((r) => (
                  <FormSelectOption key={r.name} value={r.name} label={r.name} />
                ))}
              </FormSelect>
              <FieldHelp id="org-robot" error={errors.robot_username} help="Writes every mirrored repository." />
            </FormGroup>
            <FormGroup label="Discover every" fieldId="org-interval" isRequired>
              <div style={{ display: 'flex', gap: 8 }}>
                <TextInput {...field('org-interval', 'sync_interval')} value={interval} onChange={(_e, v) => setInterval(v)} style={{ maxWidth: 120 }} />
                <FormSelect id="org-unit" aria-label="Discovery interval unit" value={unit} onChange={(_e, v) => setUnit(v as Unit)} style={{ maxWidth: 160 }}>
                  {Object.keys(UNITS).map((u) => (
                    <FormSelectOption key={u} value={u} label={u} />
                  ))}
                </FormSelect>
              </div>
              <FieldHelp id="org-interval" error={errors.sync_interval} help="At least 60 seconds." />
            </FormGroup>
            <FormGroup label="First discovery" fieldId="org-start">
              <TextInput {...field('org-start', 'sync_start_date')} type="datetime-local" value={start} onChange={(_e, v) => setStart(v)} />
              <FieldHelp id="org-start" error={errors.sync_start_date} help="A time that has passed starts at once." />
            </FormGroup>
            <FormGroup label="New repositories are" fieldId="org-visibility">
              <FormSelect id="org-visibility" value={visibility} onChange={(_e, v) => setVisibility(v)}>
                <FormSelectOption value="private" label="Private" />
                <FormSelectOption value="public" label="Public" />
              </FormSelect>
            </FormGroup>
          </FormSection>
          <ExpandableSection toggleText="Upstream login and TLS">
            <FormGroup label="Upstream user name" fieldId="org-username">
              <TextInput {...field('org-username', 'external_registry_username')} value={username} onChange={(_e, v) => setUsername(v)} autoComplete="off" />
              <FieldHelp id="org-username" error={errors.external_registry_username} help="Empty: Ferry lists and pulls anonymously." />
            </FormGroup>
            <FormGroup label="Upstream password" fieldId="org-password">
              <TextInput {...field('org-password', 'external_registry_password')} type="password" value={password} onChange={(_e, v) => setPassword(v)} autoComplete="new-password" isDisabled={!username.trim()} placeholder={mirror?.has_external_registry_password ? '•••••• (set; type to replace)' : undefined} />
              <FieldHelp id="org-password" error={errors.external_registry_password} help={orgPasswordHelp(username, password, mirror)} />
            </FormGroup>
            <FormGroup fieldId="org-verify-tls">
              <Checkbox id="org-verify-tls" label="Verify the upstream's TLS certificate" isChecked={verifyTls} onChange={(_e, v) => setVerifyTls(v)} />
            </FormGroup>
          </ExpandableSection>
          <SignaturesGroup trust={draft.trust} onChange={set('trust')} errorOf={(...fields) => fields.map((f) => errors[f] ?? Object.entries(errors).find(([k]) => k.startsWith(`${f}.`) || k.startsWith(`${f}[`))?.[1]).find(Boolean)} />
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={!url.trim() || !robot}>
              {mirror ? 'Save changes' : 'Create organization mirror'}
            </Button>
            {onCancel ? (
              <Button variant="link" onClick={onCancel}>
                Cancel
              </Button>
            ) : null}
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}

/** What the password field says, honestly: typed and to be saved, set and kept, removed, or none. */
function orgPasswordHelp(username: string, password: string, mirror: OrgMirror | null): string {
  if (!username.trim()) return mirror?.has_external_registry_password ? 'Without a user name the password is removed when you save.' : 'Needs a user name.';
  if (password) return mirror?.has_external_registry_password ? 'The password you typed replaces the one set when you save.' : 'The password you typed is stored, encrypted, when you save.';
  return mirror?.has_external_registry_password ? 'A password is set. Leave empty to keep it.' : 'No password is set: the upstream is read anonymously unless you type one.';
}
