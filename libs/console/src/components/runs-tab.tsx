import { Link } from 'react-router';
import { Alert, Grid, GridItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { errorText, seg } from '../api';
import { bytes, duration, seconds, when } from '../logic/format';
import { triggerWords } from '../logic/words';
import { Empty } from './empty';
import type { RunList } from '../types';
import { useApi } from '../use-api';
import { RunStatusLabel } from './status';
import { RunTimeline } from './run-timeline';

/** Run history, newest first, with the timelines of duration and bytes above it. */
export function RunsTab({ namespace, repository }: { namespace: string; repository: string }) {
  const runs = useApi<RunList>(`/repository/${seg(namespace)}/${seg(repository)}/mirror/runs?limit=50`, 5000);
  if (runs.error) return <Alert component="p" variant="danger" isInline title="The runs cannot be read">{errorText(runs.error)}</Alert>;
  const list = runs.data?.runs ?? [];
  if (!runs.loading && list.length === 0) {
    return (
      <Empty title="No runs yet" to={`/repository/${seg(namespace)}/${seg(repository)}?tab=mirroring`} action="Open the Mirroring tab">
        Press Sync now on the Mirroring tab to run the mirror at once, or wait for its schedule.
      </Empty>
    );
  }
  return (
    <>
      <Grid hasGutter md={6}>
        <GridItem>
          <RunTimeline runs={list} measure="duration" />
        </GridItem>
        <GridItem>
          <RunTimeline runs={list} measure="bytes" />
        </GridItem>
      </Grid>
      <Table aria-label="Runs" variant="compact">
        <Thead>
          <Tr>
            <Th modifier="wrap">Run started</Th>
            <Th modifier="wrap">Trigger</Th>
            <Th modifier="wrap">Status</Th>
            <Th modifier="wrap">Duration</Th>
            <Th modifier="wrap">Copied</Th>
            <Th modifier="wrap">Unchanged</Th>
            <Th modifier="wrap">Failed</Th>
            <Th modifier="wrap">Deleted</Th>
            <Th modifier="wrap">Data copied</Th>
            <Th modifier="wrap">Error</Th>
          </Tr>
        </Thead>
        <Tbody>
          {list.map((r) => (
            <Tr key={r.run_id}>
              <Td dataLabel="Run started">
                <Link to={`/repository/${seg(namespace)}/${seg(repository)}/mirror/runs/${seg(r.run_id)}`}>{when(r.started_at ?? r.scheduled_at)}</Link>
              </Td>
              <Td dataLabel="Trigger">{triggerWords(r.trigger)}</Td>
              <Td dataLabel="Status">
                <RunStatusLabel status={r.status} />
              </Td>
              <Td dataLabel="Duration">{seconds(duration(r.started_at, r.finished_at))}</Td>
              <Td dataLabel="Copied">{r.tags_copied}</Td>
              <Td dataLabel="Unchanged">{r.tags_unchanged}</Td>
              <Td dataLabel="Failed">{r.tags_failed}</Td>
              <Td dataLabel="Deleted">{r.tags_deleted}</Td>
              <Td dataLabel="Data copied">{bytes(r.bytes_copied)}</Td>
              <Td dataLabel="Error">{r.error ? (r.error.message ?? r.error.code) : '—'}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </>
  );
}
