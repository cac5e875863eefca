import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { traceIdOf } from './trace-context';

describe("an event's traceparent", () => {
  it('names its trace id', () => {
    assert.equal(traceIdOf('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), '0af7651916cd43dd8448eb211c80319c');
  });

  it('names none when absent, malformed or all zeros', () => {
    for (const value of [undefined, null, '', 'garbage', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b71-01', '00-00000000000000000000000000000000-b7ad6b7169203331-01']) {
      assert.equal(traceIdOf(value), null, String(value));
    }
  });
});
