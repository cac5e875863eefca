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
  Content,
  ExpandableSection,
  Form,
  FormFieldGroup,
  FormFieldGroupHeader,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  List,
  ListItem,
  TextInput,
} from '@patternfly/react-core';
import { api, ApiError, errorText, fieldErrors, seg } from '../api';
import { when } from '../logic/format';
import { UNITS, type Unit } from '../logic/mirror-body';
import { connectionWords, isProxyCache, proxyCacheBodyOf, proxyCacheDraft, proxyCacheSentences, pulledThroughSentence, type ProxyCacheDraft, type ProxyCacheSettings } from '../logic/proxy-cache';
import { useApi } from '../use-api';
import { ConfirmButton } from './confirm-button';
import { FieldHelp } from './field-help';
import type { LogEntry, RepositoryList, RobotList } from '../types';

/** Quay's organization Proxy cache settings, with what was pulled through and promotion to a mirror. */
export function ProxyCacheTab({ namespace }: { namespace: string }) {
  const settings = useApi<ProxyCacheSettings>(`/organization/${seg(namespace)}/proxycache`);
  if (settings.error) return <Alert component="p" variant="danger" isInline title="The proxy-cache settings cannot be read">{errorText(settings.error)}</Alert>;
  if (!settings.data) return null;
  if (!isProxyCache(settings.data)) return <ProxyCacheForm namespace={namespace} onSaved={() => void settings.reload()} />;
  return <ProxyCacheStatus namespace={namespace} view={settings.data} reload={() => void settings.reload()} />;
}

function ProxyCacheForm({ namespace, onSaved }: { namespace: string; onSaved(): void }) {
  const [draft, setDraft] = useState<ProxyCacheDraft>(proxyCacheDraft);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [tested, setTested] = useState<{ variant: 'success' | 'warning' | 'danger'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  const set = <K extends keyof ProxyCacheDraft>(key: K) => (value: ProxyCacheDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setTested(null);
  };
  const errorOf = (...fields: string[]) => fields.map((f) => errors[f] ?? Object.entries(errors).find(([k]) => k.startsWith(`${f}.`))?.[1]).find(Boolean);
  const refused = (error: unknown) => {
    const byField = fieldErrors(error);
    setErrors(byField);
    return error instanceof ApiError ? (Object.keys(byField).length ? Object.entries(byField).map(([f, m]) => `${f} ${m}`).join('; ') : error.message) : String(error);
  };
  const test = async () => {
    setBusy(true);
    setTested(null);
    setErrors({});
    try {
      const answer = await api<string>('POST', `/organization/${seg(namespace)}/validateproxycache`, proxyCacheBodyOf(draft));
      setTested(connectionWords(answer));
    } catch (error) {
      setTested({ variant: 'danger', text: `The upstream cannot be used: ${refused(error)}` });
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setErrors({});
    try {
      await api('POST', `/organization/${seg(namespace)}/proxycache`, proxyCacheBodyOf(draft));
      onSaved();
    } catch (error) {
      setProblem(`The proxy cache was not set up: ${refused(error)}`);
    } finally {
      setBusy(false);
    }
  };
  const text = (id: string, key: keyof ProxyCacheDraft, apiField: string, label: string, help: string, extra: Partial<React.ComponentProps<typeof TextInput>> = {}, required = false) => (
    <FormGroup label={label} fieldId={id} isRequired={required}>
      <TextInput id={id} value={draft[key] as string} onChange={(_e, v) => set(key)(v as never)} validated={errorOf(apiField) ? 'error' : 'default'} aria-invalid={errorOf(apiField) ? true : undefined} aria-describedby={`${id}-help`} {...extra} />
      <FieldHelp id={id} error={errorOf(apiField)} help={help} />
    </FormGroup>
  );
  const duration = (id: string, key: 'expiration' | 'staleBound', unitKey: 'expirationUnit' | 'staleBoundUnit', apiField: string, label: string, help: string) => (
    <FormGroup label={label} fieldId={id}>
      <div style={{ display: 'flex', gap: 8 }}>
        <TextInput id={id} value={draft[key]} onChange={(_e, v) => set(key)(v)} inputMode="numeric" validated={errorOf(apiField) ? 'error' : 'default'} aria-describedby={`${id}-help`} />
        <FormSelect id={`${id}-unit`} aria-label={`${label}: unit`} value={draft[unitKey]} onChange={(_e, v) => set(unitKey)(v as Unit)} style={{ maxWidth: 140 }}>
          {Object.keys(UNITS).map((u) => (
            <FormSelectOption key={u} value={u} label={u} />
          ))}
        </FormSelect>
      </div>
      <FieldHelp id={id} error={errorOf(apiField)} help={help} />
    </FormGroup>
  );
  return (
    <Form onSubmit={(e) => void submit(e)} aria-label="Proxy cache" style={{ maxWidth: 960 }}>
      <Content component="p">
        A proxy-cache organization serves another registry's images through Ferry's registry front: the first pull of {namespace}/&lt;name&gt; fetches &lt;name&gt; from the upstream and stores it; later pulls are served from the cache.
      </Content>
      {problem ? <Alert component="p" variant="danger" isInline title={problem} /> : null}
      {tested ? <Alert component="p" variant={tested.variant} isInline title={tested.variant === 'danger' ? 'Connection failed' : 'Connection tested'}>{tested.text}</Alert> : null}
      {text('proxy-upstream', 'upstream', 'upstream_registry', 'Upstream registry', 'host[:port][/namespace], such as docker.io/library or quay.io/projectquay.', { placeholder: 'docker.io/library', isRequired: true }, true)}
      <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: 'Upstream credentials', id: 'proxy-credentials-title' }} titleDescription="Leave both empty to pull anonymously. The password is write-only: stored encrypted and never shown again." />}>
        <Grid hasGutter md={6}>
          <GridItem>{text('proxy-username', 'username', 'upstream_registry_username', 'Upstream user name', 'The account the cache pulls as.', { autoComplete: 'off' })}</GridItem>
          <GridItem>
            {text('proxy-password', 'password', 'upstream_registry_password', 'Upstream password', draft.password === '' ? 'No password is set: the upstream is read anonymously unless you type one.' : 'The password you typed is stored, encrypted, when you save.', { type: 'password', autoComplete: 'new-password' })}
          </GridItem>
        </Grid>
      </FormFieldGroup>
      <Grid hasGutter md={6}>
        <GridItem>{duration('proxy-expiration', 'expiration', 'expirationUnit', 'expiration_s', 'Expiration', 'How long a tag is served from the cache before the upstream is asked again.')}</GridItem>
        <GridItem>{duration('proxy-stale', 'staleBound', 'staleBoundUnit', 'stale_bound_s', 'Serve stale for up to', 'While the upstream fails, how long past expiry a cached tag is still served.')}</GridItem>
      </Grid>
      <Checkbox id="proxy-insecure" label="Insecure: plain HTTP to the upstream" description="Only for a registry that has no TLS." isChecked={draft.insecure} onChange={(_e, v) => set('insecure')(v)} />
      <Checkbox id="proxy-promote" label="Promote much-pulled repositories to mirrors" description="A repository pulled often enough becomes a scheduled mirror of its upstream." isChecked={draft.promote} onChange={(_e, v) => set('promote')(v)} />
      {draft.promote ? (
        <Grid hasGutter md={6}>
          <GridItem>{text('proxy-min-pulls', 'minPulls', 'promotion_rule.min_pulls', 'Pulls', 'How many pulls promote a repository…', { inputMode: 'numeric' })}</GridItem>
          <GridItem>{text('proxy-days', 'days', 'promotion_rule.days', 'Within days', '…within how many days.', { inputMode: 'numeric' })}</GridItem>
          <GridItem>
            <FormGroup label="Robot account" fieldId="proxy-robot" isRequired>
              <FormSelect id="proxy-robot" value={draft.robot} onChange={(_e, v) => set('robot')(v)} validated={errorOf('promotion_rule.robot_username') ? 'error' : 'default'} aria-describedby="proxy-robot-help">
                <FormSelectOption value="" label="Choose a robot account" isPlaceholder />
                {(robots.data?.robots ?? []).map((r) => (
                  <FormSelectOption key={r.name} value={r.name} label={r.name} />
                ))}
              </FormSelect>
              <FieldHelp id="proxy-robot" error={errorOf('promotion_rule.robot_username')} help="The robot that writes the mirrors." />
            </FormGroup>
          </GridItem>
          <GridItem>{text('proxy-keep-newest', 'keepNewest', 'promotion_rule.keep_newest', 'Keep the newest', 'Mirror only the newest N pulled tags, by version; empty: all of them.', { inputMode: 'numeric' })}</GridItem>
        </Grid>
      ) : null}
      <ActionGroup>
        <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy}>
          Make it a proxy cache
        </Button>
        <Button variant="secondary" onClick={() => void test()} isDisabled={busy}>
          Test connection
        </Button>
      </ActionGroup>
    </Form>
  );
}

function ProxyCacheStatus({ namespace, view, reload }: { namespace: string; view: ProxyCacheSettings; reload(): void }) {
  const logs = useApi<{ logs: LogEntry[] }>(`/organization/${seg(namespace)}/proxycache/logs?limit=50`, 10_000);
  const [problem, setProblem] = useState<string | null>(null);
  const end = async () => {
    try {
      await api('DELETE', `/organization/${seg(namespace)}/proxycache`);
      reload();
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  return (
    <Grid hasGutter>
      <GridItem>
        <Card>
          <CardTitle component="h2">A proxy cache of {view.upstream_registry}</CardTitle>
          <CardBody>
            {problem ? <Alert component="p" variant="danger" isInline title={problem} /> : null}
            <List>
              {proxyCacheSentences(namespace, view).map((s) => (
                <ListItem key={s}>{s}</ListItem>
              ))}
            </List>
            <ConfirmButton variant="danger" title={`Stop caching in ${namespace}?`} body="Pulls of repositories not cached yet will fail. What was cached stays in the target." confirm="Stop caching" onConfirm={end} style={{ marginTop: 16 }}>
              Stop being a proxy cache
            </ConfirmButton>
          </CardBody>
        </Card>
      </GridItem>
      <GridItem>
        <PromoteCard namespace={namespace} />
      </GridItem>
      <GridItem>
        <Card>
          <CardTitle component="h2">What was pulled through</CardTitle>
          <CardBody>
            {logs.error ? <Alert component="p" variant="danger" isInline title="The cache's log cannot be read">{errorText(logs.error)}</Alert> : null}
            {logs.data && logs.data.logs.length === 0 ? <Content component="p">Nothing yet: pull an image through the registry front, and each fetch, refresh and stale answer shows here.</Content> : null}
            {logs.data && logs.data.logs.length ? (
              <List isPlain aria-label="What was pulled through">
                {logs.data.logs.map((entry, i) => (
                  <ListItem key={i}>
                    <strong>{when(entry.datetime)}</strong> {pulledThroughSentence(entry)}
                    <ExpandableSection toggleText="Details" isIndented>
                      <pre className="ferry-mono" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{JSON.stringify(entry.metadata, null, 2)}</pre>
                    </ExpandableSection>
                  </ListItem>
                ))}
              </List>
            ) : null}
          </CardBody>
        </Card>
      </GridItem>
    </Grid>
  );
}

/** Make a repository pulled through the cache a scheduled mirror of its upstream. */
function PromoteCard({ namespace }: { namespace: string }) {
  const repositories = useApi<RepositoryList>(`/repository?namespace=${seg(namespace)}`, 10_000);
  const robots = useApi<RobotList>(`/organization/${seg(namespace)}/robots`);
  const [repository, setRepository] = useState('');
  const [robot, setRobot] = useState('');
  const [keepNewest, setKeepNewest] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<{ variant: 'success' | 'danger'; text: string; repository?: string } | null>(null);
  const candidates = (repositories.data?.repositories ?? []).filter((r) => !r.mirror).map((r) => r.name);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setErrors({});
    setAnswer(null);
    if (!repository) return setErrors({ repository: 'Choose the repository to mirror.' });
    try {
      const body: Record<string, unknown> = { robot_username: robot };
      if (keepNewest.trim()) body.keep_newest = /^\d+$/.test(keepNewest.trim()) ? Number(keepNewest.trim()) : keepNewest;
      await api('POST', `/repository/${seg(namespace)}/${seg(repository)}/proxycache/promote`, body);
      setAnswer({ variant: 'success', text: `${namespace}/${repository} is now a scheduled mirror of its upstream.`, repository });
      void repositories.reload();
    } catch (error) {
      const byField = fieldErrors(error);
      setErrors(byField);
      setAnswer({ variant: 'danger', text: error instanceof ApiError ? (Object.keys(byField).length ? 'Not promoted: correct the fields marked below.' : error.message) : String(error) });
    }
  };
  return (
    <Card>
      <CardTitle component="h2">Promote to a mirror</CardTitle>
      <CardBody>
        <Form onSubmit={(e) => void submit(e)} aria-label="Promote to a mirror">
          <Content component="p">A repository pulled through the cache can become a scheduled mirror of its upstream, of the tags pulled by tag, with the cache's credentials.</Content>
          {answer ? (
            <Alert component="p" variant={answer.variant} isInline title={answer.text}>
              {answer.repository ? <Link to={`/repository/${seg(namespace)}/${seg(answer.repository)}`}>Open {namespace}/{answer.repository}</Link> : errors.tags ?? null}
            </Alert>
          ) : null}
          <Grid hasGutter md={4}>
            <GridItem>
              <FormGroup label="Repository" fieldId="promote-repository" isRequired>
                <FormSelect id="promote-repository" value={repository} onChange={(_e, v) => setRepository(v)} validated={errors.repository ? 'error' : 'default'} aria-describedby="promote-repository-help">
                  <FormSelectOption value="" label={candidates.length ? 'Choose a repository' : 'Nothing pulled yet'} isPlaceholder />
                  {candidates.map((name) => (
                    <FormSelectOption key={name} value={name} label={name} />
                  ))}
                </FormSelect>
                <FieldHelp id="promote-repository" error={errors.repository ?? errors.tags} help="A repository of this organization that is not mirrored yet." />
              </FormGroup>
            </GridItem>
            <GridItem>
              <FormGroup label="Robot account" fieldId="promote-robot" isRequired>
                <FormSelect id="promote-robot" value={robot} onChange={(_e, v) => setRobot(v)} validated={errors.robot_username ? 'error' : 'default'} aria-describedby="promote-robot-help">
                  <FormSelectOption value="" label="Choose a robot account" isPlaceholder />
                  {(robots.data?.robots ?? []).map((r) => (
                    <FormSelectOption key={r.name} value={r.name} label={r.name} />
                  ))}
                </FormSelect>
                <FieldHelp id="promote-robot" error={errors.robot_username} help="The robot that writes the mirror." />
              </FormGroup>
            </GridItem>
            <GridItem>
              <FormGroup label="Keep the newest" fieldId="promote-keep">
                <TextInput id="promote-keep" value={keepNewest} onChange={(_e, v) => setKeepNewest(v)} inputMode="numeric" validated={errors.keep_newest ? 'error' : 'default'} aria-describedby="promote-keep-help" />
                <FieldHelp id="promote-keep" error={errors.keep_newest} help="Empty: every pulled tag." />
              </FormGroup>
            </GridItem>
          </Grid>
          <ActionGroup>
            <Button type="submit" variant="secondary">
              Promote to a mirror
            </Button>
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}
