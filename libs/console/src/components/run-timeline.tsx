import { bytes, duration, seconds, when } from '../logic/format';
import type { Run } from '../types';

const WIDTH = 480;
const HEIGHT = 160;
const LEFT = 60;
const BOTTOM = 26;
/** Bars no wider than this, however few the runs. */
const MAX_BAR = 28;

/** A short time for the axis: the hour on the same day, else the date. */
function axisTime(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString(undefined, { timeStyle: 'short' }) : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/**
 * A mirror's recent runs as bars, oldest on the left: how long each took, coloured by its outcome,
 * and the bytes each copied. Each bar has a title (the browser's tooltip, read by screen
 * readers), and the run table below holds the same figures in words.
 */
export function RunTimeline({ runs, measure }: { runs: Run[]; measure: 'duration' | 'bytes' }) {
  const shown = [...runs].filter((r) => r.started_at).reverse().slice(-40);
  const value = (r: Run) => (measure === 'duration' ? (duration(r.started_at, r.finished_at) ?? 0) : r.bytes_copied);
  const max = Math.max(1, ...shown.map(value));
  const slot = (WIDTH - LEFT) / Math.max(shown.length, 1);
  const label = measure === 'duration' ? seconds(max) : bytes(max);
  const title = measure === 'duration' ? `Duration of the last ${shown.length} runs, by outcome` : `Bytes copied by the last ${shown.length} runs`;
  return (
    <figure style={{ margin: 0 }}>
      <svg className="ferry-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <line className="axis" x1={LEFT} y1={HEIGHT - BOTTOM} x2={WIDTH} y2={HEIGHT - BOTTOM} />
        <line className="axis" x1={LEFT} y1={4} x2={LEFT} y2={HEIGHT - BOTTOM} />
        <text x={LEFT - 4} y={12} textAnchor="end">
          {label}
        </text>
        <text x={LEFT - 4} y={HEIGHT - BOTTOM} textAnchor="end">
          0
        </text>
        {shown.map((r, i) => {
          const h = Math.max(2, (value(r) / max) * (HEIGHT - BOTTOM - 8));
          const kind = measure === 'bytes' ? 'bytes' : ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r.status : 'other';
          return (
            <rect key={r.run_id} className={kind} x={LEFT + i * slot + (slot - Math.min(MAX_BAR, slot * 0.7)) / 2} y={HEIGHT - BOTTOM - h} width={Math.max(1, Math.min(MAX_BAR, slot * 0.7))} height={h}>
              <title>{`${when(r.started_at)}: ${r.status}, ${measure === 'duration' ? seconds(value(r)) : bytes(value(r))}`}</title>
            </rect>
          );
        })}
        {shown.length ? (
          <>
            <text x={LEFT} y={HEIGHT - 6}>
              {axisTime(shown[0]!.started_at)}
            </text>
            {shown.length > 1 ? (
              <text x={WIDTH} y={HEIGHT - 6} textAnchor="end">
                {axisTime(shown[shown.length - 1]!.started_at)}
              </text>
            ) : null}
          </>
        ) : null}
      </svg>
      <figcaption>{title}{measure === 'duration' ? ' (green: succeeded, red: failed, grey: cancelled or in flight)' : ''}</figcaption>
    </figure>
  );
}
