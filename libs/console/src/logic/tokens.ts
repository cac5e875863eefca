/** How long a new API token lives: days from now, or never. */
export const EXPIRY_CHOICES: Record<string, string> = { '7': 'In 7 days', '30': 'In 30 days', '90': 'In 90 days', '365': 'In a year', never: 'Never' };

/** The `expiration` the API reads for a choice: an ISO time so many days after `now`, or null. */
export function expiryOf(choice: string, now: Date): string | null {
  if (choice === 'never') return null;
  const days = Number(choice);
  return new Date(now.getTime() + days * 86_400_000).toISOString();
}
