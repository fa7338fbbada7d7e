/** The transcript webview's CSP nonce is unguessable: it comes from the OS's random source, not Math.random. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webviewNonce } from '../../src/ui/nonce';

describe('webview nonce', () => {
  it('does not depend on Math.random', () => {
    const random = Math.random;
    Math.random = () => 0.5;
    try {
      assert.notEqual(webviewNonce(), webviewNonce());
    } finally {
      Math.random = random;
    }
  });

  it('carries 128 bits, in characters a CSP nonce allows', () => {
    const nonce = webviewNonce();
    assert.match(nonce, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(Buffer.from(nonce, 'base64').length >= 16, nonce);
  });
});
