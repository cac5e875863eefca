import { useState } from 'react';
import { ActionGroup, Alert, Button, Form, FormGroup, FormSelect, FormSelectOption, Label, TextInput } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, errorText, seg } from '../api';
import { useApi } from '../use-api';
import { ConfirmButton } from './confirm-button';
import type { Permission } from '../types';

/** Users' and robots' roles on a repository or an organization: list, grant, change, remove. */
export function Permissions({ base, what }: { base: string; what: 'repository' | 'organization' }) {
  const list = useApi<{ permissions: Record<string, Permission> }>(`${base}/`);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Permission['role']>('read');
  const [message, setMessage] = useState<{ variant: 'success' | 'danger'; text: string } | null>(null);
  const change = async (method: 'PUT' | 'DELETE', who: string, newRole?: string) => {
    setMessage(null);
    try {
      await api(method, `${base}/${seg(who)}`, method === 'PUT' ? { role: newRole } : undefined);
      setMessage({ variant: 'success', text: method === 'PUT' ? `${who} now has ${newRole} on the ${what}.` : `${who} no longer has a role on the ${what}.` });
      await list.reload();
    } catch (error) {
      setMessage({ variant: 'danger', text: errorText(error) });
    }
  };
  const rows = Object.values(list.data?.permissions ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      {message ? <Alert component="p" variant={message.variant} isInline title={message.text} style={{ marginBottom: 16 }} /> : null}
      {list.error ? <Alert component="p" variant="danger" isInline title="The permissions cannot be read">{errorText(list.error)}</Alert> : null}
      <Table aria-label={`Permissions on the ${what}`} variant="compact">
        <Thead>
          <Tr>
            <Th>User or robot</Th>
            <Th>Role</Th>
            <Th screenReaderText="Actions" />
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((p) => (
            <Tr key={p.name}>
              <Td dataLabel="User or robot">
                {p.name} {p.is_robot ? <Label isCompact>robot</Label> : null}
              </Td>
              <Td dataLabel="Role">
                <FormSelect aria-label={`Role of ${p.name}`} value={p.role} onChange={(_e, v) => void change('PUT', p.name, v)} style={{ maxWidth: 160 }}>
                  {['read', 'write', 'admin'].map((r) => (
                    <FormSelectOption key={r} value={r} label={r} />
                  ))}
                </FormSelect>
              </Td>
              <Td dataLabel="Actions">
                <ConfirmButton variant="link" isDanger title={`Remove ${p.name}'s role?`} body={`${p.name} loses ${p.role} on the ${what} at once.`} confirm="Remove" onConfirm={() => change('DELETE', p.name)}>
                  Remove
                </ConfirmButton>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Form
        isHorizontal
        aria-label="Grant a role"
        style={{ maxWidth: 640, marginTop: 24 }}
        onSubmit={(e) => {
          e.preventDefault();
          void change('PUT', name.trim(), role).then(() => setName(''));
        }}
      >
        <FormGroup label="User or robot (ns+name)" fieldId={`grant-${what}-name`}>
          <TextInput id={`grant-${what}-name`} value={name} onChange={(_e, v) => setName(v)} />
        </FormGroup>
        <FormGroup label="Role" fieldId={`grant-${what}-role`}>
          <FormSelect id={`grant-${what}-role`} value={role} onChange={(_e, v) => setRole(v as Permission['role'])}>
            {['read', 'write', 'admin'].map((r) => (
              <FormSelectOption key={r} value={r} label={r} />
            ))}
          </FormSelect>
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="secondary" isDisabled={!name.trim()}>
            Grant
          </Button>
        </ActionGroup>
      </Form>
    </>
  );
}
