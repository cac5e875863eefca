import type { RunDetailView, RunProgressView } from '@ferry/api-schema';

/** One Server-Sent Event: its `event` name and its `data` parsed as JSON. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/**
 * Splits a Server-Sent Events stream into its events (the WHATWG format: `event:` and `data:`
 * lines, a blank line ends an event; comments start with `:`). Feed it text as it arrives.
 */
export class SseParser {
  private buffer = '';

  push(text: string): StreamEvent[] {
    this.buffer += text.replace(/\r\n?/g, '\n');
    const events: StreamEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0) continue;
      try {
        events.push({ event, data: JSON.parse(data.join('\n')) });
      } catch {
        events.push({ event, data: data.join('\n') });
      }
    }
    return events;
  }
}

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** `1:05`, `1:02:03`. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** The API's run progress (`progress` events and a run's `progress` field), as far as the bar draws it. */
export type ProgressView = Omit<RunProgressView, 'updated_at'>;

/** A run's end, as its stream's `outcome` event tells it (mirror-config's `RunStreamMessage`). */
interface Outcome {
  run_id: string;
  status: string;
  tags_copied: number;
  tags_unchanged: number;
  tags_deleted: number;
  tags_failed: number;
  bytes_copied: number;
  error: { code: string; message: string } | null;
}

/** What each event of a run's stream carries; the stream is the API's, taken at its word. */
interface StreamData {
  progress: ProgressView & { done?: boolean };
  tag: Pick<RunDetailView['tags'][number], 'tag' | 'result' | 'bytes_copied' | 'error'>;
  outcome: Outcome;
  error: { code: string; message: string };
}

/** A one-line progress bar for a terminal: `[#####.....]  50%  3/10 tags  12.0 of 24.0 MiB  2.0 MiB/s  ETA 0:06`. */
export function progressBar(p: ProgressView, width = 24): string {
  const fraction = p.bytes_total > 0 ? Math.min(1, p.bytes_copied / p.bytes_total) : p.tags_total > 0 ? p.tags_done / p.tags_total : 0;
  const filled = Math.round(fraction * width);
  const eta = p.eta_seconds === null ? 'ETA --:--' : `ETA ${durationText(p.eta_seconds)}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${p.tags_done}/${p.tags_total} tags  ${mib(p.bytes_copied)} of ${mib(p.bytes_total)}  ${mib(p.bytes_per_second)}/s  ${eta}`;
}

/** The same as plain text, for a log or a pipe. */
export function progressLine(p: ProgressView): string {
  const eta = p.eta_seconds === null ? '' : `, about ${durationText(p.eta_seconds)} left`;
  return `${p.tags_done}/${p.tags_total} tags, ${mib(p.bytes_copied)} of ${mib(p.bytes_total)} copied, ${mib(p.bytes_per_second)}/s${eta}`;
}

/** A tag's result, one line. */
export function tagLine(t: StreamData['tag']): string {
  if (t.error) return `${t.tag}: ${t.result}: ${t.error.code}: ${t.error.message}`;
  return `${t.tag}: ${t.result}${t.bytes_copied > 0 ? ` (${mib(t.bytes_copied)})` : ''}`;
}

/** The run's end, one line. */
export function outcomeLine(subject: string, o: Outcome): string {
  const counts = `${o.tags_copied} copied, ${o.tags_unchanged} unchanged, ${o.tags_deleted} deleted, ${o.tags_failed} failed, ${mib(o.bytes_copied)}`;
  return `run ${o.run_id} of ${subject} ${o.status}: ${counts}${o.error ? ` (${o.error.code}: ${o.error.message})` : ''}`;
}

/** Where `--follow` writes: the bar goes to stderr on a terminal; text lines otherwise. */
export interface FollowIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal: draw the bar in place. */
  tty: boolean;
}

/**
 * Draws a run's stream as it comes: on a terminal a bar redrawn in place with each tag's result
 * above it; otherwise a progress line every `plainEveryMs` and each tag's result; with `json` each
 * event as a JSON line on stdout. Resolves with the outcome's status (null when the stream ended
 * without one).
 */
export async function drawRun(events: AsyncIterable<StreamEvent>, subject: string, io: FollowIo, options: { json: boolean; plainEveryMs?: number; now?: () => number }): Promise<string | null> {
  const now = options.now ?? Date.now;
  const every = options.plainEveryMs ?? 5_000;
  let lastPlain = -Infinity;
  let barShown = false;
  const clearBar = () => {
    if (barShown) io.stderr('\r\x1b[K');
    barShown = false;
  };
  for await (const { event, data } of events) {
    if (options.json) {
      io.stdout(`${JSON.stringify({ event, data })}\n`);
      if (event === 'outcome') return (data as Outcome).status;
      continue;
    }
    if (event === 'progress') {
      const progress = data as StreamData['progress'];
      if (io.tty) {
        io.stderr(`\r\x1b[K${progressBar(progress)}`);
        barShown = true;
      } else if (now() - lastPlain >= every || progress.done) {
        lastPlain = now();
        io.stderr(`${progressLine(progress)}\n`);
      }
    } else if (event === 'tag') {
      clearBar();
      io.stdout(`${tagLine(data as StreamData['tag'])}\n`);
    } else if (event === 'outcome') {
      clearBar();
      io.stdout(`${outcomeLine(subject, data as Outcome)}\n`);
      return (data as Outcome).status;
    } else if (event === 'error') {
      const broke = data as StreamData['error'];
      clearBar();
      io.stderr(`ferry: the run's stream broke off: ${broke.code}: ${broke.message}\n`);
    }
  }
  clearBar();
  return null;
}
