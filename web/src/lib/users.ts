// Users and teams as the API shows them (the configuration document's fields with the internal id
// and the handle), and what a user is reached by.
export const roles = ['owner', 'admin', 'responder', 'observer'] as const;
export const contactTypes = [
  'email',
  'sms',
  'voice',
  'push',
  'slack',
  'telegram',
  'kakao',
  'teams',
  'discord',
] as const;
export const urgencies = ['highest', 'high', 'medium', 'low', 'lowest', 'none'] as const;

export interface ContactMethod {
  id: string;
  type: (typeof contactTypes)[number];
  address?: string | object;
}

export interface NotificationRule {
  urgencies: (typeof urgencies)[number][];
  contact_method: string;
  delay_minutes: number;
  repeat_every_minutes?: number;
  repeat_max?: number;
}

export interface User {
  id: string;
  handle: string;
  name: string;
  role: (typeof roles)[number];
  email?: string;
  phone?: string;
  time_zone?: string;
  locale?: 'ko' | 'en' | 'ja' | 'zh';
  contact_methods?: ContactMethod[];
  notification_rules?: NotificationRule[];
  calendar_url?: string;
}

/** A team as the document has it: `id` is its handle. */
export interface Team {
  id: string;
  name: string;
  members: string[];
  admins: string[];
}

/** Every IANA zone the browser knows, with UTC, which some browsers leave out. */
export function timeZones(): string[] {
  const all =
    (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes('UTC') ? all : ['UTC', ...all];
}
