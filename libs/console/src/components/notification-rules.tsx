import { Fragment, useState } from 'react';
import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Label,
  TextInput,
} from '@patternfly/react-core';
import { ExpandableRowContent, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, fieldErrors, seg } from '../api';
import { errorWords, when } from '../logic/format';
import { useApi } from '../use-api';
import type { Delivery, Rule, RuleList, TestDelivery } from '../types';
import { ConfirmButton } from './confirm-button';
import { FieldHelp } from './field-help';

const EVENTS = {
  repo_mirror_sync_started: 'Mirror started',
  repo_mirror_sync_success: 'Mirror succeeded',
  repo_mirror_sync_failed: 'Mirror failed',
} as const;
const METHODS = { webhook: 'Webhook', slack: 'Slack', msteams: 'Microsoft Teams', email: 'E-mail', quay_notification: "A user's in-app inbox" } as const;
type Method = keyof typeof METHODS;

/** Where a rule sends: its webhook's or Slack's URL, its e-mail address, or the user it notifies in the console. */
const sendsTo = (config: Rule['config']) => ('url' in config ? config.url : 'email' in config ? config.email : config.target.name);

/** Notification rules of a repository or a namespace: add, send a test, see the delivery log, delete. */
export function NotificationRules({ base, scope }: { base: string; scope: 'repository' | 'organization' }) {
  const rules = useApi<RuleList>(`${base}/`);
  const [events, setEvents] = useState<string[]>(['repo_mirror_sync_failed']);
  const [method, setMethod] = useState<Method>('webhook');
  const [target, setTarget] = useState('');
  const [secret, setSecret] = useState('');
  const [title, setTitle] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ variant: 'success' | 'danger'; text: string } | null>(null);
  const [deliveries, setDeliveries] = useState<Record<string, Delivery[] | string>>({});

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    setMessage(null);
    const config = method === 'email' ? { email: target } : method === 'quay_notification' ? { target: { kind: 'user', name: target } } : { url: target, ...(method === 'webhook' && secret ? { secret } : {}) };
    try {
      await api('POST', `${base}/`, { events, method, config, ...(title ? { title } : {}) });
      setTarget('');
      setSecret('');
      setTitle('');
      setMessage({ variant: 'success', text: 'The rule is added.' });
      await rules.reload();
    } catch (error) {
      setErrors(fieldErrors(error));
      setMessage({ variant: 'danger', text: errorText(error) });
    }
  };
  const test = async (rule: Rule) => {
    setMessage(null);
    try {
      const answer = await api<TestDelivery>('POST', `${base}/${seg(rule.uuid)}/test`);
      setMessage(
        answer.delivered
          ? { variant: 'success', text: `Test delivered to "${rule.title}": HTTP ${answer.status_code ?? '—'} in ${answer.duration_ms} ms.` }
          : { variant: 'danger', text: `Test not delivered to "${rule.title}": ${answer.error ? errorWords(answer.error) : `HTTP ${answer.status_code}`}.` },
      );
    } catch (error) {
      setMessage({ variant: 'danger', text: errorText(error) });
    }
  };
  const remove = async (rule: Rule) => {
    try {
      await api('DELETE', `${base}/${seg(rule.uuid)}`);
      setMessage({ variant: 'success', text: `The rule "${rule.title}" is deleted.` });
      await rules.reload();
    } catch (error) {
      setMessage({ variant: 'danger', text: errorText(error) });
    }
  };
  const toggleDeliveries = async (rule: Rule) => {
    if (deliveries[rule.uuid]) return setDeliveries(({ [rule.uuid]: _, ...rest }) => rest);
    try {
      const answer = await api<{ deliveries: Delivery[] }>('GET', `${base}/${seg(rule.uuid)}/deliveries?limit=20`);
      setDeliveries((d) => ({ ...d, [rule.uuid]: answer.deliveries }));
    } catch (error) {
      setDeliveries((d) => ({ ...d, [rule.uuid]: errorText(error) }));
    }
  };
  const targetLabel = method === 'email' ? 'E-mail address' : method === 'quay_notification' ? 'User to notify' : method === 'slack' ? 'Slack webhook URL' : method === 'msteams' ? 'Teams workflow URL' : 'Webhook URL';
  const targetField = method === 'email' ? 'config.email' : method === 'quay_notification' ? 'config.target' : 'config.url';
  const errorFor = (prefix: string) => Object.entries(errors).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];

  return (
    <>
      {message ? <Alert component="p" variant={message.variant} isInline title={message.text} style={{ marginBottom: 16 }} /> : null}
      {rules.error ? <Alert component="p" variant="danger" isInline title="The rules cannot be read">{errorText(rules.error)}</Alert> : null}
      <Table aria-label="Notification rules" variant="compact">
        <Thead>
          <Tr>
            <Th screenReaderText="Deliveries" />
            <Th>Title</Th>
            <Th>Events</Th>
            <Th>Method</Th>
            <Th>Sends to</Th>
            <Th screenReaderText="Actions" />
          </Tr>
        </Thead>
        {(rules.data?.notifications ?? []).map((rule, i) => {
          const log = deliveries[rule.uuid];
          return (
            <Tbody key={rule.uuid} isExpanded={!!log}>
              <Tr>
                <Td expand={{ rowIndex: i, isExpanded: !!log, onToggle: () => void toggleDeliveries(rule), expandId: `deliveries-${i}` }} aria-label={`Delivery log of ${rule.title}`} />
                <Td dataLabel="Title">{rule.title}</Td>
                <Td dataLabel="Events">{rule.events.map((e) => EVENTS[e] ?? e).join(', ')}</Td>
                <Td dataLabel="Method">{METHODS[rule.method] ?? rule.method}</Td>
                <Td dataLabel="Sends to">
                  {sendsTo(rule.config)} {'has_secret' in rule.config && rule.config.has_secret ? <Label isCompact>signed</Label> : null}
                </Td>
                <Td dataLabel="Actions">
                  <Button variant="secondary" size="sm" onClick={() => void test(rule)}>
                    Send a test
                  </Button>{' '}
                  <ConfirmButton variant="link" isDanger size="sm" title={`Delete the rule "${rule.title}"?`} body="Its receiver hears of no further events; its delivery log goes with it." confirm="Delete" onConfirm={() => remove(rule)}>
                    Delete
                  </ConfirmButton>
                </Td>
              </Tr>
              {log ? (
                <Tr isExpanded>
                  <Td colSpan={6}>
                    <ExpandableRowContent>
                      {typeof log === 'string' ? (
                        <Alert component="p" variant="danger" isInline title={log} />
                      ) : log.length === 0 ? (
                        'Nothing delivered yet.'
                      ) : (
                        <Table aria-label={`Deliveries of ${rule.title}`} variant="compact">
                          <Thead>
                            <Tr>
                              <Th>Event</Th>
                              <Th>Status</Th>
                              <Th>Attempts</Th>
                              <Th>Last answer</Th>
                              <Th>Last attempt</Th>
                            </Tr>
                          </Thead>
                          <Tbody>
                            {log.map((d) => (
                              <Fragment key={d.delivery_id}>
                                <Tr>
                                  <Td>{d.event}</Td>
                                  <Td>{d.status}</Td>
                                  <Td>{d.attempts}</Td>
                                  <Td>{d.last_error ?? (d.last_status_code ? `HTTP ${d.last_status_code}` : '—')}</Td>
                                  <Td>{when(d.attempt_log[d.attempt_log.length - 1]?.at)}</Td>
                                </Tr>
                              </Fragment>
                            ))}
                          </Tbody>
                        </Table>
                      )}
                    </ExpandableRowContent>
                  </Td>
                </Tr>
              ) : null}
            </Tbody>
          );
        })}
      </Table>
      <Card style={{ marginTop: 24 }}>
        <CardTitle component="h2">{scope === 'organization' ? 'Add a rule for every mirror of this organization' : 'Add a rule for this repository\'s mirror'}</CardTitle>
        <CardBody>
          <Form onSubmit={(e) => void add(e)} aria-label="Add a notification rule" style={{ maxWidth: 720 }}>
            <FormGroup label="Notify when" role="group" fieldId="rule-events" isStack>
              {Object.entries(EVENTS).map(([value, label]) => (
                <Checkbox key={value} id={`rule-event-${value}`} label={label} isChecked={events.includes(value)} onChange={(_e, on) => setEvents((list) => (on ? [...list, value] : list.filter((x) => x !== value)))} />
              ))}
              <FieldHelp
                id="rule-events"
                error={errorFor('events') ?? errorFor('event')}
                help={events.length ? `Selected: ${events.map((e) => EVENTS[e as keyof typeof EVENTS] ?? e).join(', ')}.` : 'Nothing selected: tick at least one event.'}
              />
            </FormGroup>
            <FormGroup label="Deliver by" fieldId="rule-method">
              <FormSelect id="rule-method" value={method} onChange={(_e, v) => setMethod(v as Method)}>
                {Object.entries(METHODS).map(([value, label]) => (
                  <FormSelectOption key={value} value={value} label={label} />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label={targetLabel} fieldId="rule-target" isRequired>
              <TextInput id="rule-target" value={target} onChange={(_e, v) => setTarget(v)} validated={errorFor(targetField) ? 'error' : 'default'} aria-describedby="rule-target-help" />
              <FieldHelp id="rule-target" error={errorFor(targetField)} help={scope === 'organization' ? 'Applies to every mirror of the organization.' : 'Applies to this mirror.'} />
            </FormGroup>
            {method === 'webhook' ? (
              <FormGroup label="Signing secret" fieldId="rule-secret">
                <TextInput id="rule-secret" type="password" autoComplete="new-password" value={secret} onChange={(_e, v) => setSecret(v)} aria-describedby="rule-secret-help" />
                <FieldHelp id="rule-secret" help="Optional. Each delivery is signed with it (HMAC); it is never shown again." />
              </FormGroup>
            ) : null}
            <FormGroup label="Title" fieldId="rule-title">
              <TextInput id="rule-title" value={title} onChange={(_e, v) => setTitle(v)} aria-describedby="rule-title-help" />
              <FieldHelp id="rule-title" help="Optional: a name for the rule in the list." />
            </FormGroup>
            <ActionGroup>
              <Button type="submit" variant="primary">
                Add rule
              </Button>
            </ActionGroup>
          </Form>
        </CardBody>
      </Card>
    </>
  );
}
