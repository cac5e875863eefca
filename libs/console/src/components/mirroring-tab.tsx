import { useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  EmptyState,
  EmptyStateBody,
  Flex,
  FlexItem,
  Spinner,
  Switch,
} from '@patternfly/react-core';
import { api, ApiError, errorText, seg } from '../api';
import { seconds, when } from '../logic/format';
import type { Mirror } from '../types';
import { useApi } from '../use-api';
import { mirrorStatusWords } from '../logic/words';
import { MirrorForm } from './mirror-form';
import { MirrorStatusLabel } from './status';
import { RunProgress } from './run-progress';

const BUSY = ['SYNCING', 'SYNC_NOW'];

/** The Mirroring tab: the mirror's state with Sync now, Cancel and Enabled, then its settings. */
export function MirroringTab({ namespace, repository, onChange }: { namespace: string; repository: string; onChange(): void }) {
  const path = `/repository/${seg(namespace)}/${seg(repository)}/mirror`;
  const [fast, setFast] = useState(false);
  const mirror = useApi<Mirror>(path, fast ? 1000 : 5000);
  const [action, setAction] = useState<{ variant: 'success' | 'danger' | 'info'; text: string } | null>(null);
  const busy = mirror.data ? BUSY.includes(mirror.data.sync_status) || mirror.data.current_run_id !== null : false;
  if (busy !== fast) setFast(busy);

  if (mirror.loading && !mirror.data) return <Spinner aria-label="Loading the mirror" />;
  if (mirror.error instanceof ApiError && mirror.error.status === 404) {
    return (
      <>
        <EmptyState titleText="This repository is not mirrored" headingLevel="h2">
          <EmptyStateBody>Set its upstream below: the repository becomes a mirror, written only by the mirror's robot account.</EmptyStateBody>
        </EmptyState>
        <MirrorForm namespace={namespace} repository={repository} mirror={null} onSaved={() => { void mirror.reload(); onChange(); }} />
      </>
    );
  }
  if (!mirror.data) return <Alert component="p" variant="danger" isInline title="The mirror cannot be read">{errorText(mirror.error)}</Alert>;
  const m = mirror.data;

  const act = async (what: 'sync-now' | 'sync-cancel' | 'enable' | 'disable') => {
    setAction(null);
    try {
      if (what === 'enable' || what === 'disable') await api('PUT', path, { is_enabled: what === 'enable' });
      else await api('POST', `${path}/${what}`);
      setAction({ variant: 'success', text: { 'sync-now': 'A sync was requested: it starts in a moment.', 'sync-cancel': 'The sync is being cancelled.', enable: 'The mirror is enabled.', disable: 'The mirror is disabled.' }[what] });
      await mirror.reload();
    } catch (error) {
      setAction({ variant: 'danger', text: errorText(error) });
    }
  };

  return (
    <Flex direction={{ default: 'column' }} spaceItems={{ default: 'spaceItemsLg' }}>
      <FlexItem>
        <Card>
          <CardTitle component="h2">Status</CardTitle>
          <CardBody>
            {action ? <Alert component="p" variant={action.variant} isInline title={action.text} style={{ marginBottom: 16 }} /> : null}
            <DescriptionList isHorizontal columnModifier={{ lg: '2Col' }}>
              <DescriptionListGroup>
                <DescriptionListTerm>State</DescriptionListTerm>
                <DescriptionListDescription>
                  <MirrorStatusLabel status={m.sync_status} enabled={m.is_enabled} /> {!m.is_enabled ? <span>(last: {mirrorStatusWords(m.sync_status).text.toLowerCase()})</span> : null}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Next sync</DescriptionListTerm>
                <DescriptionListDescription>{m.is_enabled ? when(m.sync_start_date) : 'None while disabled'} (every {seconds(m.sync_interval)})</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Last run</DescriptionListTerm>
                <DescriptionListDescription>{m.last_run_id ? <Link to={`/repository/${seg(namespace)}/${seg(repository)}/mirror/runs/${seg(m.last_run_id)}`}>Open the last run</Link> : 'None yet'}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Retries remaining</DescriptionListTerm>
                <DescriptionListDescription>{m.sync_retries_remaining}</DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
            {m.current_run_id ? (
              <div style={{ marginTop: 16 }}>
                <Link to={`/repository/${seg(namespace)}/${seg(repository)}/mirror/runs/${seg(m.current_run_id)}`}>Watch the current run</Link>
                {m.current_run_progress ? <RunProgress progress={m.current_run_progress} title="Current run" /> : null}
              </div>
            ) : null}
            <Flex style={{ marginTop: 16 }}>
              <Button variant="primary" onClick={() => void act('sync-now')} isDisabled={busy}>
                Sync now
              </Button>
              <Button variant="secondary" isDanger onClick={() => void act('sync-cancel')} isDisabled={!busy}>
                Cancel sync
              </Button>
              <Switch id="mirror-enabled" label="Enabled" isChecked={m.is_enabled} onChange={(_e, on) => void act(on ? 'enable' : 'disable')} />
            </Flex>
          </CardBody>
        </Card>
      </FlexItem>
      <FlexItem>
        <Card>
          <CardTitle component="h2">Settings</CardTitle>
          <CardBody>
            <MirrorForm namespace={namespace} repository={repository} mirror={m} onSaved={() => void mirror.reload()} />
          </CardBody>
        </Card>
      </FlexItem>
    </Flex>
  );
}
