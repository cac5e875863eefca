import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { consolePage } from './console-files';

describe('the console page mirror-config serves', () => {
  const html = '<html><head><title>Ferry</title></head><body></body></html>';

  it('tells the console where Grafana is, escaped as an attribute, and nothing when it is not set', () => {
    assert.equal(consolePage(html, { grafanaUrl: undefined }), html);
    const page = consolePage(html, { grafanaUrl: 'https://grafana.example.com/g?a=1&b="x"<' });
    assert.match(page, /<meta name="ferry-grafana-url" content="https:\/\/grafana\.example\.com\/g\?a=1&amp;b=&quot;x&quot;&lt;" \/>\s*<\/head>/);
  });
});
