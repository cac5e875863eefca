import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, CardBody, CardTitle, Content, EmptyState, ExpandableSection, Label, List, ListItem, Spinner, Title } from '@patternfly/react-core';
import CheckCircleIcon from '@patternfly/react-icons/dist/esm/icons/check-circle-icon';
import ExclamationCircleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon';
import { cosignTagWords, verificationWords } from '../logic/trust-policy';
import { ExpandableRowContent, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, seg } from '../api';
import { bytes, errorWords, shortDigest, when } from '../logic/format';
import { useApi } from '../use-api';
import type { Preview, TagHistory, TagLedger, TagVerification } from '../types';

/** The target's tags as the mirror wrote them, each with its history; and what the next run would do. */
export function TagsTab({ namespace, repository }: { namespace: string; repository: string }) {
  const base = `/repository/${seg(namespace)}/${seg(repository)}/mirror`;
  const tags = useApi<TagLedger>(`${base}/tags`);
  const [open, setOpen] = useState<Record<string, TagHistory | 'loading' | { error: string }>>({});
  const [preview, setPreview] = useState<Preview | 'loading' | { error: string } | null>(null);

  const toggle = async (tag: string) => {
    if (open[tag]) return setOpen(({ [tag]: _, ...rest }) => rest);
    setOpen((o) => ({ ...o, [tag]: 'loading' }));
    try {
      const history = await api<TagHistory>('GET', `${base}/tags/${seg(tag)}/history`);
      setOpen((o) => ({ ...o, [tag]: history }));
    } catch (error) {
      setOpen((o) => ({ ...o, [tag]: { error: errorText(error) } }));
    }
  };
  const runPreview = async () => {
    setPreview('loading');
    try {
      setPreview(await api<Preview>('POST', `${base}/preview`));
    } catch (error) {
      setPreview({ error: errorText(error) });
    }
  };
  const runLink = (runId: string) => (
    <Link to={`/repository/${seg(namespace)}/${seg(repository)}/mirror/runs/${seg(runId)}`} className="ferry-mono">
      {runId.slice(0, 8)}
    </Link>
  );

  return (
    <>
      <Card style={{ marginBottom: 24 }}>
        <CardTitle>Next run</CardTitle>
        <CardBody>
          <Content component="p">What a run would copy and delete now, from both registries' real listings; nothing is written.</Content>
          <Button variant="secondary" onClick={() => void runPreview()} isLoading={preview === 'loading'}>
            Preview the next run
          </Button>
          {preview && preview !== 'loading' && 'error' in preview ? <Alert component="p" variant="danger" isInline title="No preview" style={{ marginTop: 16 }}>{preview.error}</Alert> : null}
          {preview && preview !== 'loading' && !('error' in preview) ? (
            <div style={{ marginTop: 16 }}>
              <Content component="p">
                {preview.totals.copy} to copy ({bytes(preview.totals.bytes)}), {preview.totals.unchanged} unchanged, {preview.totals.failing} failing, {preview.totals.delete} to delete.
              </Content>
              {preview.tag_deletion.refused ? (
                <Alert component="p" variant="warning" isInline title="The delete cap would refuse this run">
                  It would delete {preview.tag_deletion.refused.would_delete} tags, more than the {preview.tag_deletion.refused.allowed} allowed: it would delete none and fail with DELETE_CAP_EXCEEDED.
                </Alert>
              ) : null}
              <Table aria-label="Preview" variant="compact">
                <Thead>
                  <Tr>
                    <Th modifier="wrap">Tag</Th>
                    <Th modifier="wrap">Would</Th>
                    <Th modifier="wrap">Digest or error</Th>
                    <Th modifier="wrap">Bytes</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {preview.copy.map((t) => (
                    <Tr key={`c${t.tag}`}>
                      <Td>{t.tag}</Td>
                      <Td><Label color="green">copy</Label></Td>
                      <Td className="ferry-mono">{shortDigest(t.digest)}</Td>
                      <Td>{bytes(t.bytes)}</Td>
                    </Tr>
                  ))}
                  {preview.unchanged.map((t) => (
                    <Tr key={`u${t.tag}`}>
                      <Td>{t.tag}</Td>
                      <Td><Label>unchanged</Label></Td>
                      <Td className="ferry-mono">{shortDigest(t.digest)}</Td>
                      <Td>—</Td>
                    </Tr>
                  ))}
                  {preview.failing.map((t) => (
                    <Tr key={`f${t.tag}`}>
                      <Td>{t.tag}</Td>
                      <Td><Label color="red">fail</Label></Td>
                      <Td>{errorWords(t.error)}</Td>
                      <Td>—</Td>
                    </Tr>
                  ))}
                  {preview.delete.map((t) => (
                    <Tr key={`d${t}`}>
                      <Td>{t}</Td>
                      <Td><Label color="orange">{preview.tag_deletion.enabled && !preview.tag_deletion.refused ? 'delete' : 'keep'}</Label></Td>
                      <Td>—</Td>
                      <Td>—</Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </div>
          ) : null}
        </CardBody>
      </Card>
      <Title headingLevel="h2">Tags on the target</Title>
      {tags.loading && !tags.data ? <Spinner aria-label="Loading the tags" /> : null}
      {tags.error ? <Alert component="p" variant="danger" isInline title="The tags cannot be read">{errorText(tags.error)}</Alert> : null}
      {tags.data && tags.data.tags.length === 0 ? <EmptyState titleText="No tags yet" headingLevel="h3" /> : null}
      {tags.data && tags.data.tags.length ? (
        <Table aria-label="Tags" variant="compact">
          <Thead>
            <Tr>
              <Th screenReaderText="History" />
              <Th modifier="wrap">Tag</Th>
              <Th modifier="wrap">Digest</Th>
              <Th modifier="wrap">Media type</Th>
              <Th modifier="wrap">Written by run</Th>
              <Th modifier="wrap">Last modified</Th>
              <Th modifier="wrap">Signature</Th>
            </Tr>
          </Thead>
          {tags.data.tags.map((t, i) => {
            const history = open[t.name];
            return (
              <Tbody key={t.name} isExpanded={!!history}>
                <Tr>
                  <Td expand={{ rowIndex: i, isExpanded: !!history, onToggle: () => void toggle(t.name), expandId: `history-${i}` }} aria-label={`History of ${t.name}`} />
                  <Td dataLabel="Tag" modifier="breakWord">{t.name}</Td>
                  <Td dataLabel="Digest"><span title={t.manifest_digest} className="ferry-mono">{shortDigest(t.manifest_digest)}</span></Td>
                  <Td dataLabel="Media type">{t.media_type}</Td>
                  <Td dataLabel="Run">{runLink(t.run_id)}</Td>
                  <Td dataLabel="Last modified">{when(t.last_modified)}</Td>
                  <Td dataLabel="Signature"><Signature verification={t.verification} tag={t.name} /></Td>
                </Tr>
                {history ? (
                  <Tr isExpanded>
                    <Td colSpan={7}>
                      <ExpandableRowContent>
                        {history === 'loading' ? <Spinner size="md" aria-label="Loading the history" /> : 'error' in history ? <Alert component="p" variant="danger" isInline title={history.error} /> : (
                          <>
                            <Content component="p">First seen upstream: {when(history.first_seen_upstream)}</Content>
                            <Table aria-label={`History of ${t.name}`} variant="compact">
                              <Thead>
                                <Tr>
                                  <Th modifier="wrap">Change</Th>
                                  <Th modifier="wrap">Digest</Th>
                                  <Th modifier="wrap">Previous</Th>
                                  <Th modifier="wrap">Upstream digest</Th>
                                  <Th modifier="wrap">Run</Th>
                                  <Th modifier="wrap">When</Th>
                                </Tr>
                              </Thead>
                              <Tbody>
                                {history.history.map((h, k) => (
                                  <Fragment key={k}>
                                    <Tr>
                                      <Td>{h.change}</Td>
                                      <Td className="ferry-mono">{shortDigest(h.digest)}</Td>
                                      <Td className="ferry-mono">{shortDigest(h.previous_digest)}</Td>
                                      <Td className="ferry-mono">{shortDigest(h.source_digest)}</Td>
                                      <Td>{runLink(h.run_id)}</Td>
                                      <Td>{when(h.at)}</Td>
                                    </Tr>
                                  </Fragment>
                                ))}
                              </Tbody>
                            </Table>
                          </>
                        )}
                      </ExpandableRowContent>
                    </Td>
                  </Tr>
                ) : null}
              </Tbody>
            );
          })}
        </Table>
      ) : null}
    </>
  );
}

/** A tag's trust-policy check in words (who signed it, or why it was refused), its details behind an expander. */
function Signature({ verification, tag }: { verification: TagVerification | null | undefined; tag: string }) {
  const words = verificationWords(verification);
  if (words.ok === null) return <span>{cosignTagWords(tag) ?? 'Not checked'}</span>;
  return (
    <>
      <Label color={words.ok ? 'green' : 'red'} icon={words.ok ? <CheckCircleIcon /> : <ExclamationCircleIcon />} isCompact>
        {words.ok ? 'Verified' : 'Refused'}
      </Label>{' '}
      <span>{words.summary}</span>
      <ExpandableSection toggleText={`Signature details of ${tag}`} isIndented>
        <List isPlain>
          {words.details.map((d) => (
            <ListItem key={d} style={{ overflowWrap: 'anywhere' }}>{d}</ListItem>
          ))}
        </List>
      </ExpandableSection>
    </>
  );
}
