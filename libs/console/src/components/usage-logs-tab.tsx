import { Fragment, useState } from 'react';
import { Alert, Checkbox, CodeBlock, CodeBlockCode, FormSelect, FormSelectOption, Label, SearchInput, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { ExpandableRowContent, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { errorText } from '../api';
import { when } from '../logic/format';
import { logSentence, NOISY_KINDS } from '../logic/log-sentences';
import { useApi } from '../use-api';
import type { LogEntry } from '../types';

function performerKind(p: LogEntry['performer']): string {
  if (!p) return 'unknown';
  if (p.kind === 'service') return 'service';
  return p.is_robot ? 'robot' : 'user';
}

const PERFORMER_WORDS: Record<string, string> = { service: 'Ferry', robot: 'robot', user: 'user', unknown: '' };

/**
 * Quay's Usage Logs: one sentence per entry, who caused it, and the entry's fields behind the
 * row's expander. Registry token issues (one per pull) are hidden unless asked for.
 */
export function UsageLogsTab({ path, label = 'Usage logs' }: { path: string; label?: string }) {
  const logs = useApi<{ logs: LogEntry[] }>(path, 10_000);
  const [search, setSearch] = useState('');
  const [who, setWho] = useState('all');
  const [noisy, setNoisy] = useState(false);
  const [open, setOpen] = useState<Set<number>>(new Set());
  if (logs.error) return <Alert component="p" variant="danger" isInline title="The usage logs cannot be read">{errorText(logs.error)}</Alert>;
  const q = search.trim().toLowerCase();
  const entries = (logs.data?.logs ?? []).map((l, i) => ({ entry: l, index: i, sentence: logSentence(l) }));
  const shown = entries.filter(
    ({ entry, sentence }) => (noisy || !NOISY_KINDS.has(entry.kind)) && (who === 'all' || performerKind(entry.performer) === who) && (!q || `${sentence} ${entry.performer?.name ?? ''}`.toLowerCase().includes(q)),
  );
  const hidden = entries.filter(({ entry }) => NOISY_KINDS.has(entry.kind)).length;
  const toggle = (i: number) => setOpen((s) => new Set(s.has(i) ? [...s].filter((x) => x !== i) : [...s, i]));
  return (
    <>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <SearchInput aria-label="Filter the usage logs" placeholder="Filter by what happened or who" value={search} onChange={(_e, v) => setSearch(v)} onClear={() => setSearch('')} />
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect aria-label="Performed by" value={who} onChange={(_e, v) => setWho(v)}>
              <FormSelectOption value="all" label="Anyone" />
              <FormSelectOption value="user" label="Users" />
              <FormSelectOption value="robot" label="Robots" />
              <FormSelectOption value="service" label="Ferry's services" />
            </FormSelect>
          </ToolbarItem>
          {hidden ? (
            <ToolbarItem alignSelf="center">
              <Checkbox id="show-noisy" label={`Show registry logins and lease renewals (${hidden})`} isChecked={noisy} onChange={(_e, v) => setNoisy(v)} />
            </ToolbarItem>
          ) : null}
        </ToolbarContent>
      </Toolbar>
      <Table aria-label={label} variant="compact">
        <Thead>
          <Tr>
            <Th screenReaderText="Details" />
            <Th modifier="wrap">When</Th>
            <Th modifier="wrap">What happened</Th>
            <Th modifier="wrap">By</Th>
          </Tr>
        </Thead>
        {shown.map(({ entry: l, index, sentence }, row) => (
          <Tbody key={`${l.datetime}-${index}`} isExpanded={open.has(index)}>
            <Tr>
              <Td expand={{ rowIndex: row, isExpanded: open.has(index), onToggle: () => toggle(index), expandId: `log-${index}` }} aria-label={`Details of: ${sentence}`} />
              <Td dataLabel="When">{when(l.datetime)}</Td>
              <Td dataLabel="What happened" modifier="breakWord">
                {sentence}
              </Td>
              <Td dataLabel="By">
                {l.performer ? (
                  <>
                    {l.performer.name} {PERFORMER_WORDS[performerKind(l.performer)] ? <Label isCompact>{PERFORMER_WORDS[performerKind(l.performer)]}</Label> : null}
                  </>
                ) : (
                  '—'
                )}
              </Td>
            </Tr>
            <Tr isExpanded={open.has(index)}>
              <Td colSpan={4}>
                {open.has(index) ? (
                  <ExpandableRowContent>
                    <Fragment>
                      <p>
                        Kind <span className="ferry-mono">{l.kind}</span>
                      </p>
                      <CodeBlock>
                        <CodeBlockCode>{JSON.stringify(l.metadata, null, 2)}</CodeBlockCode>
                      </CodeBlock>
                    </Fragment>
                  </ExpandableRowContent>
                ) : null}
              </Td>
            </Tr>
          </Tbody>
        ))}
      </Table>
      {logs.data && shown.length === 0 ? <p style={{ marginTop: 16 }}>Nothing is logged {q || who !== 'all' ? 'that matches the filters' : 'yet'}.</p> : null}
    </>
  );
}
