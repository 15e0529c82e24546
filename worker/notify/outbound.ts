// From a queued job to the message a provider sends: who it goes to, in which language, what it says,
// the signed links that act on the incident for the recipient, and where the provider reports back.
import { buttonValue, signAction } from '../respond/token';
import { DAY } from '../vocabulary';
import type { HandoffJob, MessageJob, PageJob, UpdateJob } from './job';
import type { Outbound, Subject } from './provider';

/** How long the links of a message act: a week, as long as anyone answers an old page. */
export const LINK_LIFETIME_MS = 7 * DAY;

/** The base of every link and callback; the local origin when not set. */
export const publicUrl = (env: Env) => (env.PUBLIC_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');

async function pageSubject(job: PageJob | UpdateJob, env: Env, now: Date): Promise<Subject> {
  const base = publicUrl(env);
  const view = `${base}/incidents/${encodeURIComponent(job.incidentId)}`;
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS);
  const link = async (action: 'acknowledge' | 'resolve') =>
    env.TOCSIN_SIGNING_KEY
      ? `${base}/respond/${await signAction({ incident: job.incidentId, action, user: job.user, expiresAt }, env.TOCSIN_SIGNING_KEY)}`
      : // Without a signing key nothing can act from a message: the links lead to the incident.
        view;
  return {
    type: 'page',
    incident: {
      id: job.incidentId,
      number: job.incidentNumber,
      summary: job.summary,
      urgency: job.urgency,
      status: job.kind === 'update' ? job.status : 'triggered',
      service: job.service,
    },
    links: { view, acknowledge: await link('acknowledge'), resolve: await link('resolve') },
    buttons: {
      acknowledge: buttonValue('acknowledge', job.incidentId),
      resolve: buttonValue('resolve', job.incidentId),
    },
  };
}

const handoffSubject = (job: HandoffJob): Subject => ({
  type: 'handoff',
  schedule: job.schedule.name,
  layer: job.layer,
  start: job.shiftStart,
  end: job.shiftEnd,
  minutesBefore: job.minutesBefore,
});

/** Where Twilio reports on a page, and where a call's keypad answers: the URL names the page. */
function callbacks(job: MessageJob, env: Env) {
  const base = publicUrl(env);
  if (job.kind === 'handoff')
    return { status: `${base}/webhooks/twilio/status`, voice: `${base}/webhooks/twilio/voice` };
  const query = new URLSearchParams({ incident: job.incidentId, page: job.id }).toString();
  return { status: `${base}/webhooks/twilio/status?${query}`, voice: `${base}/webhooks/twilio/voice?${query}` };
}

export async function outboundFor(job: MessageJob, env: Env, now: Date): Promise<Outbound> {
  return {
    id: job.id,
    channel: job.contactMethod.type,
    address: job.contactMethod.address ?? '',
    locale: job.locale,
    timeZone: job.timeZone,
    subject: job.kind === 'handoff' ? handoffSubject(job) : await pageSubject(job, env, now),
    callbacks: callbacks(job, env),
  };
}
