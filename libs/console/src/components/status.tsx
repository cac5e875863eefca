import { Label } from '@patternfly/react-core';
import CheckCircleIcon from '@patternfly/react-icons/dist/esm/icons/check-circle-icon';
import ExclamationCircleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon';
import ExclamationTriangleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-triangle-icon';
import InProgressIcon from '@patternfly/react-icons/dist/esm/icons/in-progress-icon';
import PendingIcon from '@patternfly/react-icons/dist/esm/icons/pending-icon';
import MinusCircleIcon from '@patternfly/react-icons/dist/esm/icons/minus-circle-icon';
import type { ReactNode } from 'react';
import { hookOutcomeWords, mirrorStatusWords, runStatusWords, tagResultWords, type Tone, type Words } from '../logic/words';
import type { MirrorSummary } from '../types';

const LOOK: Record<Tone, { status?: 'success' | 'danger' | 'warning' | 'info'; color?: 'grey' | 'purple' | 'blue'; icon: ReactNode }> = {
  success: { status: 'success', icon: <CheckCircleIcon /> },
  danger: { status: 'danger', icon: <ExclamationCircleIcon /> },
  warning: { status: 'warning', icon: <ExclamationTriangleIcon /> },
  info: { color: 'blue', icon: <InProgressIcon /> },
  pending: { color: 'purple', icon: <PendingIcon /> },
  neutral: { color: 'grey', icon: <MinusCircleIcon /> },
};

/** A status in words, with the colour and icon of its tone (colour is never the only sign). */
export function StatusLabel({ words, compact = false }: { words: Words; compact?: boolean }) {
  const look = LOOK[words.tone];
  return (
    <Label status={look.status} color={look.color} icon={look.status ? undefined : look.icon} isCompact={compact}>
      {words.text}
    </Label>
  );
}

/** A mirror's sync status in words; a disabled mirror says so. */
export function MirrorStatusLabel({ status, enabled = true }: { status: string; enabled?: boolean }) {
  return <StatusLabel words={mirrorStatusWords(status, enabled)} />;
}

export function RunStatusLabel({ status }: { status: string }) {
  return <StatusLabel words={runStatusWords(status)} />;
}

export function TagResultLabel({ result }: { result: string }) {
  return <StatusLabel words={tagResultWords(result)} compact />;
}

export function HookOutcomeLabel({ outcome }: { outcome: string }) {
  return <StatusLabel words={hookOutcomeWords(outcome)} compact />;
}

/** What a glance at a mirror should tell first: failing, stale, syncing, fine. */
export function healthRank(mirror: MirrorSummary | null): number {
  if (!mirror) return 5;
  if (mirror.failing) return 0;
  if (mirror.stale) return 1;
  if (mirror.sync_status === 'SYNCING' || mirror.sync_status === 'SYNC_NOW') return 2;
  if (mirror.sync_status === 'NEVER_RUN') return 3;
  return 4;
}
