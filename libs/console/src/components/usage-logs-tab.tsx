import { useState } from 'react';
import { Alert, FormSelect, FormSelectOption, Label, SearchInput, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { errorText, seg } from '../api';
import { when } from '../logic/format';
import { useApi } from '../use-api';
import type { LogEntry } from '../types';

/** A log entry's details in one line: its metadata's fields, secrets already shown by the API as "(sealed)". */
function details(metadata: unknown): string {
  if (!metadata || typeof metadata !== 'object') return '';
  return Object.entries(metadata as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ')
    .slice(0, 300);
}

function performerKind(p: LogEntry['performer']): string {
  if (!p) return 'unknown';
  if (p.kind === 'service') return 'service';
  return p.is_robot ? 'robot' : 'user';
}

/** Quay's Usage Logs tab: every event of the mirror with who caused it, filterable. */
export function UsageLogsTab({ namespace, repository }: { namespace: string; repository: string }) {
  const logs = useApi<{ logs: LogEntry[] }>(`/repository/${seg(namespace)}/${seg(repository)}/mirror/logs?limit=500`, 10_000);
  const [search, setSearch] = useState('');
  const [who, setWho] = useState('all');
  if (logs.error) return <Alert variant="danger" isInline title="The usage logs cannot be read">{errorText(logs.error)}</Alert>;
  const q = search.trim().toLowerCase();
  const shown = (logs.data?.logs ?? []).filter((l) => (who === 'all' || performerKind(l.performer) === who) && (!q || `${l.kind} ${l.performer?.name ?? ''} ${details(l.metadata)}`.toLowerCase().includes(q)));
  return (
    <>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <SearchInput aria-label="Filter the usage logs" placeholder="Filter by kind, performer or detail" value={search} onChange={(_e, v) => setSearch(v)} onClear={() => setSearch('')} />
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect aria-label="Performed by" value={who} onChange={(_e, v) => setWho(v)}>
              <FormSelectOption value="all" label="Anyone" />
              <FormSelectOption value="user" label="Users" />
              <FormSelectOption value="robot" label="Robots" />
              <FormSelectOption value="service" label="Ferry's services" />
            </FormSelect>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      <Table aria-label="Usage logs" variant="compact">
        <Thead>
          <Tr>
            <Th modifier="wrap">When</Th>
            <Th modifier="wrap">What</Th>
            <Th modifier="wrap">Performer</Th>
            <Th modifier="wrap">Details</Th>
          </Tr>
        </Thead>
        <Tbody>
          {shown.map((l, i) => (
            <Tr key={`${l.datetime}-${i}`}>
              <Td dataLabel="When">{when(l.datetime)}</Td>
              <Td dataLabel="What">{l.kind}</Td>
              <Td dataLabel="Performer">
                {l.performer ? (
                  <>
                    {l.performer.name} <Label isCompact>{performerKind(l.performer)}</Label>
                  </>
                ) : (
                  '—'
                )}
              </Td>
              <Td dataLabel="Details" modifier="breakWord" className="ferry-details">
                {details(l.metadata)}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </>
  );
}
