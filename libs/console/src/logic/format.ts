/** How the console writes numbers, sizes, times and durations. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function seconds(total: number | null | undefined): string {
  if (total === null || total === undefined) return '—';
  if (total < 1) return 'under 1 s';
  const s = Math.round(total);
  if (s < 60) return `${s} s`;
  const parts = (big: number, bigUnit: string, small: number, smallUnit: string) => (small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  if (s < 3600) return parts(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 86400) return parts(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return parts(Math.floor(s / 86400), 'd', Math.floor((s % 86400) / 3600), 'h');
}

/** A run's duration from its start to its end (or to now while it runs). */
export function duration(startedAt: string | null, finishedAt: string | null): number | null {
  if (!startedAt) return null;
  const end = finishedAt ? Date.parse(finishedAt) : Date.now();
  return Math.max(0, (end - Date.parse(startedAt)) / 1000);
}

export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '—';
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

/** A run's or tag's error in words: its stable code and the message, as the API gives them. */
export function errorWords(error: { code: string; message: string | null } | null | undefined): string {
  if (!error) return '—';
  return error.message ? `${error.code}: ${error.message}` : error.code;
}

/** "1 mirror", "2 mirrors". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
