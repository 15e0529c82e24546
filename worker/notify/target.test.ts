import { describe, expect, it } from 'vitest';
import { refusedTarget } from './target';

describe('a target Tocsin calls on a user’s behalf', () => {
  it.each([
    'https://chat.googleapis.com/v1/spaces/X/messages?key=K',
    'https://discord.com/api/webhooks/1/abc',
    'https://8.8.8.8/hook',
    'https://[2606:4700::1111]/hook',
    'https://example.com:8443/hook',
  ])('may be %s', (url) => {
    expect(refusedTarget(url, false)).toBeNull();
  });

  it.each([
    ['http://example.com/hook', /https/],
    ['not a url', /not a URL/],
    ['https://user:pass@example.com/', /credentials/],
    ['https://localhost/hook', /private/],
    ['https://printer.local/', /private/],
    ['https://127.0.0.1/', /private/],
    ['https://2130706433/', /private/],
    ['https://0x7f.1/', /private/],
    ['https://10.1.2.3/', /private/],
    ['https://172.20.0.1/', /private/],
    ['https://192.168.1.1/', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://100.64.0.1/', /private/],
    ['https://[::1]/', /private/],
    ['https://[fd00::1]/', /private/],
    ['https://[fe80::1]/', /private/],
    ['https://[::ffff:127.0.0.1]/', /private/],
  ])('is refused: %s', (url, reason) => {
    expect(refusedTarget(url, false)).toMatch(reason);
  });

  it('may be anything over http(s) when private targets are allowed', () => {
    expect(refusedTarget('http://127.0.0.1:9000/fake', true)).toBeNull();
    expect(refusedTarget('ftp://127.0.0.1/', true)).toMatch(/https/);
  });
});
