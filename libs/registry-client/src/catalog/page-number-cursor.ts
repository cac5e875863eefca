import { RegistryError, RegistryErrorCode } from '../registry-error';

/** A position in an API paged by number (Harbor, Docker Hub): 1-based page and its size. */
export interface PageNumber {
  page: number;
  pageSize: number;
}

/**
 * The cursor of a page-numbered listing, `<page>:<pageSize>`. The size travels with the page:
 * resumed with another size, page N would start at another offset and skip or repeat names.
 */
export function pageNumberCursor(position: PageNumber): string {
  return `${position.page}:${position.pageSize}`;
}

/** The position a cursor names, or page 1 of `pageSize` for the first page. */
export function readPageNumberCursor(cursor: string | null, pageSize: number, maxPageSize: number): PageNumber {
  if (cursor === null) return { page: 1, pageSize };
  const m = /^([1-9]\d{0,8}):([1-9]\d{0,4})$/.exec(cursor);
  const position = m ? { page: Number(m[1]), pageSize: Number(m[2]) } : null;
  if (!position || position.pageSize > maxPageSize) {
    throw new RegistryError(RegistryErrorCode.InvalidCursor, `the listing cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this source made`);
  }
  return position;
}
