// Email through Resend's HTTP API; the notification id is its Idempotency-Key, so a retried send is
// one email.
import { emailOf } from '../message';
import { deliver, type Provider } from '../provider';

export function emailProvider(env: Env): Provider | null {
  const { RESEND_API_KEY: key, EMAIL_FROM: from } = env;
  if (!key || !from) return null;
  const base = (env.RESEND_BASE_URL ?? 'https://api.resend.com').replace(/\/+$/, '');
  return {
    name: 'resend',
    send: async (message) => {
      const delivery = await deliver(
        `${base}/emails`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            'idempotency-key': message.id.slice(0, 256),
          },
          body: JSON.stringify({ from, to: [message.address], ...emailOf(message) }),
        },
        (body) => (body as { id?: string } | null)?.id ?? null,
      );
      // The same idempotency key still in flight: the first send has not answered yet.
      const inFlight = delivery.status === 'failed' && delivery.reason.includes('concurrent_idempotent_requests');
      return inFlight ? { status: 'retry', reason: delivery.reason } : delivery;
    },
  };
}
