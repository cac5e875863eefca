import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gluedColumns } from './glued-columns';

const LABELS = ['status', 'tags', 'tag rule', 'tag deletion', 'next sync'];

describe('output checked for glued columns', () => {
  it('passes label rows two spaces apart, aligned, and a table in its columns', () => {
    const fields = 'acme/app\n  status        SUCCESS\n  tags          v1.*, latest\n  tag deletion  on, at most 3 a run\n';
    assert.deepEqual(gluedColumns(fields, LABELS), []);
    const rows = 'ACTION     TAG     DIGEST\ncopy       v1      sha256:aa  1.0 MiB\nunchanged  latest  sha256:bb\nacme/app: 2 tags matched\n';
    assert.deepEqual(gluedColumns(rows, ['copy', 'unchanged']), []);
  });

  it('finds a label run into its value, the regression of `ferry mirror get` (tag deletionon)', () => {
    const glued = 'acme/app\n  status      SUCCESS\n  tag deletionon\n';
    const problems = gluedColumns(glued, LABELS);
    assert.ok(problems.some((p) => p.includes('"tag deletion" runs into "on"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('no gap of two spaces')), 'found without knowing the label too');
  });

  it('reads the longest label that fits, so `tags` is not `tag` glued to `s`', () => {
    assert.deepEqual(gluedColumns('m\n  tags  v1\n', ['tag', 'tags']), []);
    assert.equal(gluedColumns('m\n  tagsv1  x\n', ['tag', 'tags']).length, 1);
  });

  it('finds a value out of its column, and a table cell run into the next column', () => {
    assert.equal(gluedColumns('m\n  status  SUCCESS\n  next sync  2026-01-01\n').length, 1);
    const table = 'NAME  KIND   ROLE\nbob   user   read\nrobot-with-a-long-namerobot  write\n';
    assert.equal(gluedColumns(table).length, 2, 'no gap before KIND, nor before ROLE');
  });
});
