import { useState } from 'react';
import { Alert, Button, Card, CardBody, CardTitle, ClipboardCopy, ClipboardCopyVariant, Content, FormGroup, FormSelect, FormSelectOption, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, seg } from '../api';
import { when } from '../logic/format';
import { absoluteHookUrl, registryConfigSnippet } from '../logic/hooks';
import { useApi } from '../use-api';
import { Reveal } from './reveal';
import { ConfirmButton } from './confirm-button';
import { HookOutcomeLabel } from './status';
import type { Hook, HookDeliveries, HookList } from '../types';

/**
 * Upstream push hooks of a mirror (a repository's or an organization's): create one, its secret
 * shown this once with the registry configuration to paste, rotate, delete, and what each
 * delivery did.
 */
export function HooksPanel({ base, headingLevel = 'h2' }: { base: string; headingLevel?: 'h2' | 'h3' }) {
  const hooks = useApi<HookList>(base);
  const [verification, setVerification] = useState('bearer');
  const [made, setMade] = useState<Hook | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const act = async (run: () => Promise<Hook | unknown>) => {
    setProblem(null);
    try {
      const answer = await run();
      if (answer && typeof answer === 'object' && 'secret' in answer) setMade({ ...(answer as Hook), url: absoluteHookUrl((answer as Hook).url, window.location.origin) });
      await hooks.reload();
    } catch (error) {
      setProblem(errorText(error));
    }
  };
  const list = hooks.data?.hooks ?? [];
  return (
    <Card>
      <CardTitle component={headingLevel}>Upstream push hooks</CardTitle>
      <CardBody>
        <Content component="p">An upstream registry that notifies Ferry of each push gets its new tags copied within seconds instead of at the next scheduled sync.</Content>
        {problem ? <Alert component="p" variant="danger" isInline title={problem} style={{ marginBottom: 16 }} /> : null}
        {made?.secret ? (
          <Reveal key={made.secret}>
          <Alert component="p" variant="info" isInline title="Copy the secret now: it is not shown again." style={{ marginBottom: 16 }}>
            <p>Hook address</p>
            <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="Hook address" copyAriaLabel="Copy Hook address">
              {made.url}
            </ClipboardCopy>
            <p style={{ marginTop: 8 }}>Secret</p>
            <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="Hook secret" copyAriaLabel="Copy Hook secret">
              {made.secret}
            </ClipboardCopy>
            <p style={{ marginTop: 8 }}>Paste into the upstream docker-registry's config.yml:</p>
            <ClipboardCopy isReadOnly isCode isExpanded hoverTip="Copy" clickTip="Copied" variant={ClipboardCopyVariant.expansion} textAriaLabel="Registry configuration" copyAriaLabel="Copy Registry configuration">
              {registryConfigSnippet(made.url, made.secret, made.verification)}
            </ClipboardCopy>
          </Alert>
        </Reveal>
        ) : null}
        {list.length ? (
          <Table aria-label="Push hooks" variant="compact">
            <Thead>
              <Tr>
                <Th>Address</Th>
                <Th>Proof</Th>
                <Th>Created</Th>
                <Th>Last delivery</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {list.map((h) => (
                <Tr key={h.id}>
                  <Td dataLabel="Address" modifier="breakWord">
                    <span className="ferry-mono">{absoluteHookUrl(h.url, window.location.origin)}</span>
                  </Td>
                  <Td dataLabel="Proof">{h.verification === 'hmac-sha256' ? 'HMAC signature' : 'Bearer secret'}</Td>
                  <Td dataLabel="Created">{when(h.created)}</Td>
                  <Td dataLabel="Last delivery">{h.last_delivery ? when(h.last_delivery) : 'None yet'}</Td>
                  <Td dataLabel="Actions">
                    <Button variant="secondary" size="sm" onClick={() => setShown(shown === h.id ? null : h.id)}>
                      {shown === h.id ? 'Hide deliveries' : 'Deliveries'}
                    </Button>{' '}
                    <ConfirmButton variant="link" size="sm" title="A new secret for this hook?" body="The upstream's current secret is refused from now on; paste the new one into its configuration." confirm="Make a new secret" onConfirm={() => void act(() => api<Hook>('POST', `${base}/${seg(h.id)}/rotate`))}>
                      New secret
                    </ConfirmButton>{' '}
                    <ConfirmButton variant="link" isDanger size="sm" title="Delete this hook?" body="Its deliveries are refused from now on; the schedule keeps the mirror in sync." confirm="Delete" onConfirm={() => void act(() => api('DELETE', `${base}/${seg(h.id)}`))}>
                      Delete
                    </ConfirmButton>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        ) : hooks.data ? (
          <Content component="p">No hook yet.</Content>
        ) : null}
        {shown ? <Deliveries path={`${base}/${seg(shown)}/deliveries`} headingLevel={headingLevel === 'h2' ? 'h3' : 'h4'} /> : null}
        <form
          style={{ marginTop: 16, display: 'flex', gap: 16, alignItems: 'flex-end', flexWrap: 'wrap' }}
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => api<Hook>('POST', base, { verification }));
          }}
        >
          <FormGroup label="The upstream proves itself with" fieldId="hook-verification">
            <FormSelect id="hook-verification" value={verification} onChange={(_e, v) => setVerification(v)}>
              <FormSelectOption value="bearer" label="A bearer secret (docker-registry, Harbor, Docker Hub, Quay)" />
              <FormSelectOption value="hmac-sha256" label="An HMAC signature (GitHub)" />
            </FormSelect>
          </FormGroup>
          <Button type="submit" variant="secondary">
            Create hook
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}

function Deliveries({ path, headingLevel }: { path: string; headingLevel: 'h3' | 'h4' }) {
  const deliveries = useApi<HookDeliveries>(path, 5000);
  const list = deliveries.data?.deliveries ?? [];
  return (
    <div style={{ marginTop: 16 }}>
      <Title headingLevel={headingLevel}>Recent deliveries</Title>
      {deliveries.error ? <Alert component="p" variant="danger" isInline title="The deliveries cannot be read">{errorText(deliveries.error)}</Alert> : null}
      {deliveries.data && list.length === 0 ? <Content component="p">No delivery has arrived yet.</Content> : null}
      {list.length ? (
        <Table aria-label="Recent deliveries" variant="compact">
          <Thead>
            <Tr>
              <Th>Received</Th>
              <Th>Sender</Th>
              <Th>Repository and tags</Th>
              <Th>What Ferry did</Th>
            </Tr>
          </Thead>
          <Tbody>
            {list.flatMap((d) =>
              d.results.map((r, i) => (
                <Tr key={`${d.id}-${i}`}>
                  <Td dataLabel="Received">{when(d.received)}</Td>
                  <Td dataLabel="Sender">{d.sender}</Td>
                  <Td dataLabel="Repository and tags">
                    {r.repository}
                    {r.tags.length ? `: ${r.tags.join(', ')}` : ''}
                  </Td>
                  <Td dataLabel="What Ferry did">
                    <HookOutcomeLabel outcome={r.outcome} /> {r.detail}
                  </Td>
                </Tr>
              )),
            )}
          </Tbody>
        </Table>
      ) : null}
    </div>
  );
}
