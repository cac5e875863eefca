import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import type { FieldProblem } from '@ferry/mirror';
import { InvalidRequestError } from '../http/problem';
import { PROTO_ROOT } from './grpc-options';

/** A decoded `ferry.v1.MirrorSettings` (or a nested message of it): only the fields that were sent. */
export type MessageObject = { [field: string]: unknown };

const isMessage = (v: unknown): v is MessageObject => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/**
 * A decoded `TagRule` as the HTTP API's `tag_rule`: a selector holds only its kind's fields, so
 * the empty `patterns` list proto3 gives every selector is dropped where it does not apply.
 */
function tagRuleBody(rule: MessageObject): MessageObject {
  const selectors = (list: unknown) =>
    Array.isArray(list) ? list.map((s) => (isMessage(s) && s.kind !== 'glob' && Array.isArray(s.patterns) && s.patterns.length === 0 ? (({ patterns: _, ...rest }) => rest)(s) : s)) : list;
  return { ...rule, include: selectors(rule.include), ...(rule.exclude === undefined ? {} : { exclude: selectors(rule.exclude) }) };
}

/**
 * Without a mask, every field that was sent, as Quay's JSON body. Repeated fields have no presence
 * in proto3, so an empty list at the top of the message means "not sent"; inside a sent message
 * (root_rule.rule_value) it is passed on for the parser to judge.
 */
function sentFields(message: MessageObject, top: boolean): MessageObject {
  const body: MessageObject = {};
  for (const [field, value] of Object.entries(message)) {
    if (value === undefined || value === null) continue;
    if (top && Array.isArray(value) && value.length === 0) continue;
    body[field] = isMessage(value) ? sentFields(value, false) : value;
  }
  if (top && isMessage(body.tag_rule)) body.tag_rule = tagRuleBody(body.tag_rule);
  return body;
}

const MASK_PATH = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*$/;

const settingsTypes = new Map<string, protobuf.Type>();

/** A settings message of Ferry's protos (`ferry.v1.MirrorSettings`), loaded once: what an update mask may name. */
export function settingsMessage(protoFile: string, name: string): protobuf.Type {
  let type = settingsTypes.get(name);
  if (!type) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (isAbsolute(target) || target.startsWith('google/protobuf/') ? target : join(PROTO_ROOT, target));
    root.loadSync(protoFile, { keepCase: true });
    type = root.lookupType(name);
    type.resolveAll();
    settingsTypes.set(name, type);
  }
  return type;
}

/** Whether a mask path names a field of the message, following nested messages (`external_registry_config.proxy.https_proxy`). */
function namesField(type: protobuf.Type, path: string): boolean {
  let current: protobuf.Type | null = type;
  for (const part of path.split('.')) {
    const field: protobuf.Field | undefined = current?.fields[part];
    if (!field) return false;
    current = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
  }
  return true;
}

/**
 * The Quay-shaped body that `parseMirrorInput` (the HTTP API's parser) validates, from a gRPC
 * request. With an update mask, each path is taken from `settings`; a path whose field was not
 * sent becomes null, which clears it as `"field": null` does over HTTP. Unknown fields are left
 * for the parser (a proto message holds only known ones). A mask path that names no field of
 * `message` is refused (INVALID_ARGUMENT naming it), as google.protobuf.FieldMask asks: taking it
 * would change nothing and answer OK.
 */
export function quayBodyFromSettings(settings: MessageObject | undefined, updateMask?: { paths?: string[] }, message?: protobuf.Type): MessageObject {
  const sent = settings ?? {};
  const paths = updateMask?.paths ?? [];
  if (paths.length === 0) return sentFields(sent, true);
  const problems: FieldProblem[] = [];
  const unknown = message ? paths.filter((path) => MASK_PATH.test(path) && !namesField(message, path)) : [];
  if (unknown.length) problems.push({ field: 'update_mask', message: `names no field of ${message!.name}: ${unknown.map((p) => `"${p}"`).join(', ')}` });
  const body: MessageObject = {};
  for (const path of paths) {
    if (!MASK_PATH.test(path)) {
      problems.push({ field: 'update_mask', message: `has an invalid path "${path}"` });
      continue;
    }
    const parts = path.split('.');
    let from: unknown = sent;
    let to = body;
    parts.forEach((part, i) => {
      from = isMessage(from) ? from[part] : undefined;
      if (i === parts.length - 1) {
        to[part] = from === undefined ? null : isMessage(from) ? sentFields(from, false) : from;
      } else {
        if (!isMessage(to[part])) to[part] = {};
        to = to[part] as MessageObject;
      }
    });
  }
  if (problems.length) throw new InvalidRequestError(problems);
  if (isMessage(body.tag_rule)) body.tag_rule = tagRuleBody(body.tag_rule);
  return body;
}
