/** The tags and patterns of Quay's documentation (repo mirroring, "tag patterns"), with what each selects. */
export const QUAY_TAGS = ['v3.1', 'v3.2', 'v3.2-4beta', 'v3.3', 'v32', 'v4.0'];

export const QUAY_EXAMPLES: Array<[pattern: string, selects: string[]]> = [
  ['v3*', ['v3.1', 'v3.2', 'v3.2-4beta', 'v3.3', 'v32']],
  ['v3.*', ['v3.1', 'v3.2', 'v3.2-4beta', 'v3.3']],
  ['v3.?', ['v3.1', 'v3.2', 'v3.3']],
  ['v3.[12]', ['v3.1', 'v3.2']],
  ['v3.[12]*', ['v3.1', 'v3.2', 'v3.2-4beta']],
  ['v3.[!1]*', ['v3.2', 'v3.2-4beta', 'v3.3']],
];
