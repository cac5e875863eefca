import { useEffect, useState } from 'react';
import {
  ActionGroup,
  Alert,
  Button,
  Checkbox,
  ExpandableSection,
  Form,
  FormFieldGroup,
  FormFieldGroupHeader,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  TextInput,
} from '@patternfly/react-core';
import { api, ApiError, fieldErrors, seg } from '../api';
import { bodyOf, draftOf, ruleBeyondGlobs, UNITS, type Draft, type Unit } from '../logic/mirror-body';
import { FieldHelp } from './field-help';
import { SignaturesGroup } from './signatures-group';
import { errorsAfterTrustEdit, type TrustDraft } from '../logic/trust-policy';
import type { Mirror, Preview, RobotList } from '../types';
import { previewWords } from '../logic/preview';
import { previewHeading, tryFailure, verificationWords, type VerificationAnswer } from '../logic/connection-check';

export interface MirrorFormProps {
  namespace: string;
  repository: string;
  /** The mirror to edit; null to create one. */
  mirror: Mirror | null;
  onSaved(mirror: Mirror): void;
  /** Field problems the page found itself (the namespace and name of a new mirror). */
  extraErrors?: Record<string, string>;
  /** Called before a create, to check the page's own fields; false stops it. */
  beforeCreate?(): boolean;
}

/** Quay's Mirroring tab as a form: every field of the mirror, each with the API's own message when it refuses it. */
export function MirrorForm({ namespace, repository, mirror, onSaved, extraErrors = {}, beforeCreate }: MirrorFormProps) {
  // The mirror the draft was made from: an edit sends what differs from it, so a schedule that
  // moved on since (the next run's date) is not written back.
  const [baseline, setBaseline] = useState<Mirror | null>(mirror);
  const [draft, setDraft] = useState<Draft>(() => draftOf(mirror, namespace));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [robots, setRobots] = useState<string[] | null>(null);
  const fingerprint = mirror ? JSON.stringify(bodyOf(draftOf(mirror, namespace), null)) + String(mirror.external_registry_password_set) : '';
  useEffect(() => {
    if (dirty) return;
    setBaseline(mirror);
    setDraft(draftOf(mirror, namespace));
    // Only a change of the settings themselves resets an untouched form, not every poll.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fingerprint, namespace]);
  useEffect(() => {
    if (!namespace) return setRobots(null);
    // An answer for an organization chosen before this one arrives late, and must not replace its robots.
    let current = true;
    api<RobotList>('GET', `/organization/${seg(namespace)}/robots`)
      .then((answer) => current && setRobots(answer.robots.map((r) => r.name)))
      .catch(() => current && setRobots(null));
    return () => {
      current = false;
    };
  }, [namespace]);
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => {
    // A changed trust policy field no longer holds what the API refused: its message goes.
    if (key === 'trust') setErrors((e) => errorsAfterTrustEdit(draft.trust, value as TrustDraft, e));
    setDraft((d) => ({ ...d, [key]: value }));
    setDirty(true);
    setSaved(false);
  };
  const all = { ...extraErrors, ...errors };
  const errorOf = (...fields: string[]) => fields.map((f) => all[f] ?? Object.entries(all).find(([k]) => k.startsWith(`${f}.`) || k.startsWith(`${f}[`))?.[1]).find(Boolean);
  const known = ['external_reference', 'root_rule', 'sync_start_date', 'sync_interval', 'robot_username', 'external_registry_username', 'external_registry_password', 'external_registry_config', 'tag_deletion', 'is_enabled', 'signature_policy', 'trust_policy'];
  const elsewhere = Object.entries(errors).filter(([field]) => !known.some((k) => field === k || field.startsWith(`${k}.`) || field.startsWith(`${k}[`)));

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!mirror && beforeCreate && !beforeCreate()) return;
    setBusy(true);
    setErrors({});
    setProblem(null);
    setSaved(false);
    try {
      const path = `/repository/${seg(namespace)}/${seg(repository)}/mirror`;
      const answer = await api<Mirror>(mirror ? 'PUT' : 'POST', path, bodyOf(draft, baseline));
      setBaseline(answer);
      setDraft(draftOf(answer, namespace));
      setDirty(false);
      setSaved(true);
      onSaved(answer);
    } catch (error) {
      const byField = fieldErrors(error);
      setErrors(byField);
      setProblem(error instanceof ApiError ? (Object.keys(byField).length ? 'The mirror was not saved: correct the fields marked below.' : `${error.code}: ${error.message}`) : String(error));
    } finally {
      setBusy(false);
    }
  };

  // What the next run would do with the form's settings, before they are saved (nothing is
  // written): for a new mirror, the whole unsaved body; for a saved one, the changes.
  const [previewed, setPreviewed] = useState<{ variant: 'info' | 'danger' | 'warning'; title: string; text: string } | null>(null);
  // "Test connection": the upstream reached with the unsaved settings, its tags listed.
  const [connection, setConnection] = useState<{ variant: 'success' | 'danger'; title: string; text: string } | null>(null);
  const [trying, setTrying] = useState<'connection' | 'preview' | null>(null);
  const tryOut = async (action: 'connection' | 'preview') => {
    if (!mirror && beforeCreate && !beforeCreate()) return;
    const path = `/repository/${seg(namespace)}/${seg(repository)}/mirror/${action === 'connection' ? 'verify' : 'preview'}`;
    const body = bodyOf(draft, baseline);
    setTrying(action);
    setErrors({});
    setProblem(null);
    if (action === 'connection') setConnection(null);
    else setPreviewed(null);
    try {
      if (action === 'connection') {
        const answer = await api<VerificationAnswer>('POST', path, body);
        setConnection({ variant: 'success', title: 'The connection works.', text: verificationWords(answer) });
      } else {
        const answer = await api<Preview>('POST', path, body);
        setPreviewed({ variant: answer.tag_deletion.refused ? 'warning' : 'info', title: previewHeading(!mirror ? 'new' : dirty ? 'changed' : 'saved'), text: previewWords(answer) });
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const failure = tryFailure(action, error, known);
      setErrors(failure.errors);
      const shown = { variant: 'danger' as const, title: failure.title, text: failure.elsewhere };
      if (action === 'connection') setConnection(shown);
      else setPreviewed(shown);
    } finally {
      setTrying(null);
    }
  };

  const field = (id: string, label: string, apiField: string | string[], input: React.ReactNode, help?: string, required = false) => {
    const message = errorOf(...[apiField].flat());
    return (
      <FormGroup label={label} fieldId={id} isRequired={required}>
        {input}
        <FieldHelp id={id} error={message} help={help} />
      </FormGroup>
    );
  };
  const validated = (...fields: string[]) => (errorOf(...fields) ? 'error' : 'default');
  const text = (id: string, key: keyof Draft, apiFields: string[], extra: Partial<React.ComponentProps<typeof TextInput>> = {}) => (
    <TextInput
      id={id}
      value={draft[key] as string}
      onChange={(_e, v) => set(key)(v as never)}
      validated={validated(...apiFields)}
      aria-describedby={`${id}-help`}
      aria-invalid={errorOf(...apiFields) ? true : undefined}
      {...extra}
    />
  );

  return (
    <Form onSubmit={(e) => void submit(e)} aria-label={mirror ? 'Mirror settings' : 'New mirror'} style={{ maxWidth: 960 }}>
      {problem ? (
        <Alert component="p" variant="danger" isInline title={problem}>
          {elsewhere.length ? elsewhere.map(([f, m]) => `${f} ${m}`).join('; ') : null}
        </Alert>
      ) : null}
      {saved ? <Alert component="p" variant="success" isInline title="The mirror is saved." /> : null}
      <Grid hasGutter md={6}>
        <GridItem span={12}>
          {field('external-reference', 'Registry location', 'external_reference', text('external-reference', 'externalReference', ['external_reference'], { placeholder: 'quay.io/coreos/etcd', isRequired: true }), 'The upstream repository: host[:port]/path, without a scheme or tag.', true)}
        </GridItem>
        {ruleBeyondGlobs(mirror) ? (
          <GridItem span={12}>
            <Alert component="p" variant="info" isInline title={`This mirror's tag rule also has ${ruleBeyondGlobs(mirror)}.`}>
              Those are set through the API or the CLI (tag_rule); the Tags field changes only its globs and leaves the rest.
            </Alert>
          </GridItem>
        ) : null}
        <GridItem span={12}>
          {field('tags', 'Tags', 'root_rule', text('tags', 'tags', ['root_rule'], { placeholder: 'v3.5.*, latest' }), 'Comma-separated tags or patterns: * any characters, ? one, [seq], [!seq].', true)}
        </GridItem>
        <GridItem>
          {field('start-date', 'Start date', 'sync_start_date', text('start-date', 'startDate', ['sync_start_date'], { type: 'datetime-local' }), 'When the first scheduled sync runs (your local time).', true)}
        </GridItem>
        <GridItem>
          {field(
            'interval',
            'Sync interval',
            'sync_interval',
            <div style={{ display: 'flex', gap: 8 }}>
              {text('interval', 'interval', ['sync_interval'], { inputMode: 'numeric' })}
              <FormSelect id="interval-unit" aria-label="Sync interval unit" value={draft.unit} onChange={(_e, v) => set('unit')(v as Unit)} style={{ maxWidth: 140 }}>
                {Object.keys(UNITS).map((u) => (
                  <FormSelectOption key={u} value={u} label={u} />
                ))}
              </FormSelect>
            </div>,
            undefined,
            true,
          )}
        </GridItem>
        <GridItem span={12}>
          {field(
            'robot',
            'Robot account',
            'robot_username',
            robots && robots.length ? (
              <FormSelect id="robot" value={draft.robot} onChange={(_e, v) => set('robot')(v)} validated={validated('robot_username')} aria-describedby="robot-help">
                <FormSelectOption value="" label="Choose a robot account" isPlaceholder />
                {robots.map((r) => (
                  <FormSelectOption key={r} value={r} label={r} />
                ))}
              </FormSelect>
            ) : (
              text('robot', 'robot', ['robot_username'], { placeholder: `${namespace || 'namespace'}+robot` })
            ),
            'The robot account of this organization that writes the mirrored images.',
            true,
          )}
        </GridItem>
      </Grid>
      <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: 'Credentials', id: 'credentials-title' }} titleDescription="For the upstream registry. The password is write-only: it is never shown." />}>
        <Grid hasGutter md={6}>
          <GridItem>{field('username', 'Upstream user name', 'external_registry_username', text('username', 'username', ['external_registry_username'], { autoComplete: 'off', isDisabled: draft.clearCredentials }))}</GridItem>
          <GridItem>
            {field(
              'password',
              'Upstream password',
              'external_registry_password',
              text('password', 'password', ['external_registry_password'], {
                type: 'password',
                autoComplete: 'new-password',
                isDisabled: draft.clearCredentials,
                placeholder: mirror?.external_registry_password_set ? '•••••• (set; type to replace)' : 'none',
              }),
              passwordHelp(draft, mirror),
            )}
          </GridItem>
        </Grid>
        {mirror && (mirror.external_registry_username || mirror.external_registry_password_set) ? (
          <Checkbox id="clear-credentials" label="Remove the credentials" isChecked={draft.clearCredentials} onChange={(_e, v) => set('clearCredentials')(v)} />
        ) : null}
      </FormFieldGroup>
      <SignaturesGroup trust={draft.trust} onChange={set('trust')} errorOf={errorOf} />
      <ExpandableSection toggleText="Advanced settings" isIndented>
        <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: 'Security', id: 'security-title' }} titleDescription="How the upstream is trusted." />}>
        <Checkbox id="verify-tls" label="Verify TLS" description="Require HTTPS and verify the upstream registry's certificate." isChecked={draft.verifyTls} onChange={(_e, v) => set('verifyTls')(v)} />
        <Checkbox id="unsigned-images" label="Accept unsigned images" description="Quay's switch: ticked, every image is accepted whatever the signature policy above says." isChecked={draft.unsignedImages} onChange={(_e, v) => set('unsignedImages')(v)} />
        </FormFieldGroup>
        <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: 'Proxy', id: 'proxy-title' }} titleDescription="Only when the upstream is reached through a proxy." />}>
        <Grid hasGutter md={4}>
          <GridItem>{field('http-proxy', 'HTTP proxy', 'external_registry_config.proxy.http_proxy', text('http-proxy', 'httpProxy', ['external_registry_config.proxy.http_proxy'], { placeholder: 'http://proxy:3128' }))}</GridItem>
          <GridItem>{field('https-proxy', 'HTTPS proxy', 'external_registry_config.proxy.https_proxy', text('https-proxy', 'httpsProxy', ['external_registry_config.proxy.https_proxy']))}</GridItem>
          <GridItem>{field('no-proxy', 'No proxy', 'external_registry_config.proxy.no_proxy', text('no-proxy', 'noProxy', ['external_registry_config.proxy.no_proxy'], { placeholder: 'internal.example.com,10.0.0.0/8' }))}</GridItem>
        </Grid>
        </FormFieldGroup>
        <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: 'Tag deletion', id: 'deletion-title' }} titleDescription="What happens to tags that disappear upstream or stop matching." />}>
        <Checkbox id="delete-tags" label="Delete tags that stop matching" description="As Quay does; unchecked, the target keeps them." isChecked={draft.deleteTags} onChange={(_e, v) => set('deleteTags')(v)} />
        {field('max-delete', 'Most tags one run may delete', 'tag_deletion', text('max-delete', 'maxDelete', ['tag_deletion'], { placeholder: 'no cap; e.g. 10 or 25%' }), 'A run that would delete more deletes nothing and fails with DELETE_CAP_EXCEEDED.')}
        </FormFieldGroup>
      </ExpandableSection>
      {!mirror ? <Checkbox id="enabled" label="Enabled: sync on the schedule" isChecked={draft.enabled} onChange={(_e, v) => set('enabled')(v)} /> : null}
      <div aria-live="polite">
        {connection ? (
          <Alert component="p" variant={connection.variant} isInline title={connection.title} style={{ marginBottom: 8 }}>
            {connection.text || null}
          </Alert>
        ) : null}
        {previewed ? (
          <Alert component="p" variant={previewed.variant} isInline title={previewed.title}>
            {previewed.text || null}
          </Alert>
        ) : null}
      </div>
      <ActionGroup>
        <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy || trying !== null}>
          {mirror ? 'Save changes' : 'Create mirror'}
        </Button>
        <Button variant="secondary" onClick={() => void tryOut('connection')} isLoading={trying === 'connection'} isDisabled={busy || trying !== null}>
          Test connection
        </Button>
        <Button variant="secondary" onClick={() => void tryOut('preview')} isLoading={trying === 'preview'} isDisabled={busy || trying !== null}>
          {mirror ? 'Preview changes' : 'Preview'}
        </Button>
        {mirror ? (
          <Button
            variant="link"
            onClick={() => {
              setBaseline(mirror);
              setDraft(draftOf(mirror, namespace));
              setDirty(false);
              setErrors({});
              setProblem(null);
            }}
          >
            Reset
          </Button>
        ) : null}
      </ActionGroup>
    </Form>
  );
}

/** What the password field says, honestly: typed and to be saved, set and kept, or none. */
function passwordHelp(draft: Draft, mirror: Mirror | null): string {
  if (draft.clearCredentials) return 'The user name and password are removed when you save.';
  if (draft.password !== '') return mirror?.external_registry_password_set ? 'The password you typed replaces the one set when you save.' : 'The password you typed is stored, encrypted, when you save.';
  return mirror?.external_registry_password_set ? 'A password is set. Leave empty to keep it.' : 'No password is set: the upstream is read anonymously unless you type one.';
}
