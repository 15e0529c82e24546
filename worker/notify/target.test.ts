import { describe, expect, it } from 'vitest';
import { refusedTarget } from './target';

describe('a target Tocsin calls on a user’s behalf', () => {
  it.each([
    'https://chat.googleapis.com/v1/spaces/X/messages?key=K',
    'https://discord.com/api/webhooks/1/abc',
    'https://8.8.8.8/hook',
    'https://[2606:4700::1111]/hook',
    'https://example.com:8443/hook',
    'https://hooks.slack.com.local.example.com/x',
    // Just outside each private range.
    'https://11.0.0.1/',
    'https://100.63.255.255/',
    'https://100.128.0.0/',
    'https://172.15.255.255/',
    'https://172.32.0.0/',
    'https://192.0.1.1/',
    'https://192.169.0.1/',
    'https://198.17.255.255/',
    'https://198.20.0.0/',
    'https://223.255.255.255/',
    'https://[::ffff:8.8.8.8]/',
    'https://[2001:db8::1]/',
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
    ['http://10.0.0.1/', /https/],
    ['javascript:alert(1)', /https/],
    ['file:///etc/passwd', /https/],
    ['https://user@example.com/', /credentials/],
    ['https://LOCALHOST./', /private/],
    ['https://app.localhost/', /private/],
    ['https://metadata.google.internal/', /private/],
    ['https://router.home.arpa/', /private/],
    ['https://0.0.0.0/', /private/],
    ['https://192.0.0.8/', /private/],
    ['https://198.18.0.1/', /private/],
    ['https://198.19.255.255/', /private/],
    ['https://224.0.0.1/', /private/],
    ['https://239.255.255.250/', /private/],
    ['https://240.0.0.1/', /private/],
    ['https://255.255.255.255/', /private/],
    // Spellings the URL parser turns into 127.0.0.1 or 10.0.0.1 before the check sees them.
    ['https://127.1/', /private/],
    ['https://0177.0.0.1/', /private/],
    ['https://0x7f000001/', /private/],
    ['https://%31%32%37.0.0.1/', /private/],
    ['https://127.0.0.1./', /private/],
    ['https://167772161/', /private/],
    ['https://[::]/', /private/],
    ['https://[fc00::1]/', /private/],
    ['https://[febf::1]/', /private/],
    ['https://[ff02::1]/', /private/],
    ['https://[::ffff:7f00:1]/', /private/],
    ['https://[::ffff:10.0.0.1]/', /private/],
    ['https://[::ffff:192.168.0.1]/', /private/],
    ['https://[::ffff:169.254.169.254]/', /private/],
  ])('is refused: %s', (url, reason) => {
    expect(refusedTarget(url, false)).toMatch(reason);
  });

  it('may be anything over http(s) when private targets are allowed', () => {
    expect(refusedTarget('http://127.0.0.1:9000/fake', true)).toBeNull();
    expect(refusedTarget('http://localhost:8787/hook', true)).toBeNull();
    expect(refusedTarget('https://[::1]/', true)).toBeNull();
    expect(refusedTarget('not a url', true)).toMatch(/not a URL/);
    expect(refusedTarget('ftp://127.0.0.1/', true)).toMatch(/https/);
  });
});
