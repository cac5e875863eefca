import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Alert,
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Content,
  PageBreadcrumb,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, seg } from '../api';
import { bytes, duration, errorWords, seconds, shortDigest, when } from '../logic/format';
import { humanize, runHeading, triggerWords } from '../logic/words';
import { RunProgress } from '../components/run-progress';
import { RunStatusLabel, TagResultLabel } from '../components/status';
import type { Progress, RunDetail, TagResult } from '../types';
import { useApi } from '../use-api';

const IN_FLIGHT = ['scheduled', 'running'];

/** The run's trace in Grafana's Explore (Tempo, data source uid `tempo`), when mirror-config was told where Grafana is (FERRY_GRAFANA_URL). */
function traceLink(traceId: string): string | null {
  const grafana = document.querySelector('meta[name="ferry-grafana-url"]')?.getAttribute('content');
  if (!grafana) return null;
  const panes = { a: { datasource: 'tempo', queries: [{ refId: 'A', datasource: { type: 'tempo', uid: 'tempo' }, queryType: 'traceql', query: traceId }], range: { from: 'now-30d', to: 'now' } } };
  return `${grafana}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}
/**
 * The run's counts as the page knows them now: the run's own while the stream has told less, the
 * stream's tags and bytes once they are ahead (the run is read every 2 s, the stream is live).
 */
function newer(a: Progress | null, b: Progress | null): Progress | null {
  if (!a || !b) return a ?? b;
  return Date.parse(a.updated_at) >= Date.parse(b.updated_at) ? a : b;
}

function liveCounts(r: RunDetail, tags: TagResult[], progress: Progress | null) {
  const by = (result: string) => tags.filter((t) => t.result === result).length;
  return {
    copied: Math.max(r.tags_copied, by('copied')),
    unchanged: Math.max(r.tags_unchanged, by('unchanged')),
    failed: Math.max(r.tags_failed, by('failed')),
    deleted: Math.max(r.tags_deleted, by('deleted')),
    bytes: Math.max(r.bytes_copied, progress?.bytes_copied ?? 0, tags.reduce((sum, t) => sum + (t.bytes_copied ?? 0), 0)),
  };
}

/**
 * One run: while it is in flight, its progress and each tag's result as it lands, from the run's
 * event stream (`.../runs/{id}/events`, Server-Sent Events with the session cookie), or by asking
 * for the run every second where the stream cannot be had; then its outcome and every tag's result.
 */
export function RunPage() {
  const { namespace = '', repository = '', runId = '' } = useParams();
  const path = `/repository/${seg(namespace)}/${seg(repository)}/mirror/runs/${seg(runId)}`;
  const [streaming, setStreaming] = useState(false);
  const [polling, setPolling] = useState(true);
  // The stream brings progress and tags; the run itself (status, counts, worker) is still read
  // every 2 s while it is in flight, so the card and the bar never disagree.
  const run = useApi<RunDetail>(path, polling ? (streaming ? 2000 : 1000) : undefined);
  const [, setTick] = useState(0);
  const [live, setLive] = useState<{ progress: Progress | null; tags: TagResult[] }>({ progress: null, tags: [] });
  const inFlight = run.data ? IN_FLIGHT.includes(run.data.status) : true;
  if (!inFlight && polling) setPolling(false);
  const [cancel, setCancel] = useState<{ variant: 'info' | 'danger'; text: string } | null>(null);
  const cancelRun = async () => {
    try {
      await api('POST', `/repository/${seg(namespace)}/${seg(repository)}/mirror/sync-cancel`);
      setCancel({ variant: 'info', text: 'The run is being cancelled.' });
    } catch (error) {
      setCancel({ variant: 'danger', text: errorText(error) });
    }
  };

  // The duration of a run in flight grows each second.
  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, [inFlight]);

  useEffect(() => {
    if (!inFlight || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1${path}/events`, { withCredentials: true });
    source.addEventListener('open', () => setStreaming(true));
    source.addEventListener('progress', (e) => setLive((l) => ({ ...l, progress: JSON.parse((e as MessageEvent).data) as Progress })));
    source.addEventListener('tag', (e) => {
      const tag = JSON.parse((e as MessageEvent).data) as TagResult;
      setLive((l) => ({ ...l, tags: [...l.tags.filter((t) => !(t.tag === tag.tag && t.result === tag.result)), tag] }));
    });
    source.addEventListener('outcome', () => {
      source.close();
      setStreaming(false);
      void run.reload();
    });
    // No stream (an older API, a proxy that buffers): poll the run instead.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) setStreaming(false);
    });
    return () => source.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, inFlight]);

  if (run.loading && !run.data) return <PageSection><Spinner aria-label="Loading the run" /></PageSection>;
  if (!run.data) return <PageSection><Alert component="p" variant="danger" isInline title="The run cannot be read">{errorText(run.error)}</Alert></PageSection>;
  const r = run.data;
  // The newer of the stream's progress and the run's own (read every 2 s).
  const progress = inFlight ? newer(live.progress, r.progress) : r.progress;
  // Each tag once: the run's own list, plus what the stream told of since.
  const tags = [...r.tags, ...live.tags.filter((t) => !r.tags.some((k) => k.tag === t.tag && k.result === t.result))];
  const counts = liveCounts(r, tags, progress);
  const total = r.tags_copied + r.tags_unchanged + r.tags_failed;
  const finishedProgress: Progress | null = !inFlight && r.status === 'succeeded' ? { tags_done: total, tags_total: total, bytes_copied: r.bytes_copied, bytes_total: r.bytes_copied, bytes_per_second: 0, eta_seconds: null, updated_at: r.finished_at ?? '' } : null;

  return (
    <>
      <PageBreadcrumb>
        <Breadcrumb>
          <BreadcrumbItem render={({ className }) => <Link className={className} to="/organizations">Organizations</Link>} />
          <BreadcrumbItem render={({ className }) => <Link className={className} to={`/organization/${seg(namespace)}`}>{namespace}</Link>} />
          <BreadcrumbItem render={({ className }) => <Link className={className} to={`/repository/${seg(namespace)}/${seg(repository)}?tab=runs`}>{repository}</Link>} />
          <BreadcrumbItem isActive>Run</BreadcrumbItem>
        </Breadcrumb>
      </PageBreadcrumb>
      <PageSection>
        <Title headingLevel="h1">
          {runHeading(r, when)} <RunStatusLabel status={r.status} />
        </Title>
        <Content component="p">
          Run <span className="ferry-mono">{r.run_id}</span> of <Link to={`/repository/${seg(namespace)}/${seg(repository)}?tab=runs`}>{namespace}/{repository}</Link>
        </Content>
      </PageSection>
      <PageSection>
        {r.error ? (
          <Alert component="p" variant="danger" isInline title={r.error.message ?? humanize(r.error.code)} style={{ marginBottom: 16 }}>
            Error code {r.error.code}
          </Alert>
        ) : null}
        <Card>
          <CardTitle>{inFlight ? 'Live progress' : 'Outcome'}</CardTitle>
          <CardBody>
            {progress && inFlight ? <RunProgress progress={progress} /> : null}
            {finishedProgress ? <RunProgress progress={finishedProgress} finished /> : null}
            {inFlight && !progress ? <p>Waiting for a worker to start the run…</p> : null}
            {inFlight ? (
              <div style={{ marginTop: 16 }}>
                {cancel ? <Alert component="p" variant={cancel.variant} isInline title={cancel.text} style={{ marginBottom: 8 }} /> : null}
                <Button variant="secondary" isDanger onClick={() => void cancelRun()}>
                  Cancel this run
                </Button>
              </div>
            ) : null}
            <DescriptionList isHorizontal columnModifier={{ lg: '3Col' }} style={{ marginTop: 16 }}>
              {[
                ['Started by', triggerWords(r.trigger)],
                ['Scheduled', when(r.scheduled_at)],
                ['Started', when(r.started_at)],
                ['Finished', when(r.finished_at)],
                ['Duration', seconds(duration(r.started_at, r.finished_at))],
                ['Attempts', String(r.attempts)],
                ['Tags', `${counts.copied} copied, ${counts.unchanged} unchanged, ${counts.failed} failed, ${counts.deleted} deleted`],
                ['Data copied', bytes(counts.bytes)],
                ['Worker', r.worker ?? '—'],
                ['Checked every tag on the target', r.target_checked === null ? '—' : r.target_checked ? 'Yes' : 'No'],
                ['Trace', r.trace_id ? (traceLink(r.trace_id) ? <a href={traceLink(r.trace_id)!} target="_blank" rel="noreferrer">{r.trace_id} (Grafana)</a> : r.trace_id) : '—'],
              ].map(([term, value]) => (
                <DescriptionListGroup key={term as string}>
                  <DescriptionListTerm>{term}</DescriptionListTerm>
                  <DescriptionListDescription className={term === 'Trace' ? 'ferry-mono' : undefined}>{value}</DescriptionListDescription>
                </DescriptionListGroup>
              ))}
            </DescriptionList>
          </CardBody>
        </Card>
      </PageSection>
      <PageSection>
        <Title headingLevel="h2">Tags</Title>
        <Table aria-label="Tag results" variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">Tag</Th>
              <Th modifier="wrap">Result</Th>
              <Th modifier="wrap">Digest</Th>
              <Th modifier="wrap">Bytes</Th>
              <Th modifier="wrap">Error</Th>
            </Tr>
          </Thead>
          <Tbody>
            {tags.map((t) => (
              <Tr key={`${t.tag}:${t.result}`}>
                <Td dataLabel="Tag">{t.tag}</Td>
                <Td dataLabel="Result">
                  <TagResultLabel result={t.result} />
                </Td>
                <Td dataLabel="Digest">
                  <span className="ferry-mono"><span title={t.digest ?? undefined}>{shortDigest(t.digest)}</span></span>
                </Td>
                <Td dataLabel="Bytes">{bytes(t.bytes_copied)}</Td>
                <Td dataLabel="Error">{errorWords(t.error)}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        {tags.length === 0 ? <p>No tag has a result yet.</p> : null}
      </PageSection>
    </>
  );
}
