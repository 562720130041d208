import type { ValueTransformer } from 'typeorm';

/** bigint columns come back as strings from pg and mysql2; epoch seconds fit a JS number. */
export const epochTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) =>
    value === null || value === undefined ? null : Number(value),
};

/** JSON stored as text on every engine (one schema for SQLite, PostgreSQL and MySQL). */
export const jsonTransformer: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => {
    if (value === null || value === undefined || value === '') return null;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  },
};

/** Booleans read back as 0/1 on SQLite and MySQL. */
export const booleanTransformer: ValueTransformer = {
  to: (value: boolean | null | undefined) => value,
  from: (value: unknown) => (value === null || value === undefined ? null : Boolean(Number(value))),
};

/** JSON for NOT NULL columns: a null value is stored as the JSON text "null". */
export const jsonValueTransformer: ValueTransformer = {
  to: (value: unknown) => JSON.stringify(value ?? null),
  from: (value: string | null) => jsonTransformer.from(value) as unknown,
};
