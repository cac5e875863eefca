import type { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string; every bigint here (positions, byte counts) fits a double. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
