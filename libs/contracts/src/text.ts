/**
 * The one rule every string that enters Ferry obeys (HTTP bodies, path parameters and queries,
 * gRPC messages), so that whatever a decider accepts can be stored and projected: Postgres' text
 * and jsonb refuse NUL and lone UTF-16 surrogates, and a projection that cannot store an event
 * would stop on it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 controls and DEL; tab, line feed and carriage return are text a person types. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export function textProblem(value: string, maxLength: number): string | undefined {
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  if (CONTROL.test(value)) return 'must not hold control characters such as NUL';
  return undefined;
}

/** Where a field sits, and the longest string it takes (a field's own parser may take less). */
export const TEXT_LIMITS = { pathParameter: 512, query: 2048, body: 65_536, key: 256 } as const;

export interface TextViolation {
  field: string;
  message: string;
}

/**
 * Every string in `value` (object keys too), at any depth, checked against `textProblem`; each
 * violation names its field by path (`external_registry_config.proxy.no_proxy`, `tags[2]`).
 */
export function textViolations(value: unknown, path: string, maxLength: number, depth = 0, out: TextViolation[] = []): TextViolation[] {
  if (out.length >= 20) return out;
  if (depth > 32) {
    out.push({ field: path || '(body)', message: 'is nested more than 32 levels deep' });
    return out;
  }
  if (typeof value === 'string') {
    const problem = textProblem(value, maxLength);
    if (problem) out.push({ field: path || '(body)', message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => textViolations(item, `${path}[${i}]`, maxLength, depth + 1, out));
  } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      const field = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(key, TEXT_LIMITS.key);
      if (keyProblem) {
        out.push({ field: `${path ? `${path}.` : ''}(a field name)`, message: keyProblem });
        continue;
      }
      textViolations(item, field, maxLength, depth + 1, out);
    }
  }
  return out;
}
