// Web Push on this device: the browser's subscription, kept as a `push` contact method of the user
// (the API takes the subscription's JSON as its address; GET /push/key gives the server's VAPID key).
import { api } from './api';
import type { ContactMethod, User } from './users';

export const pushSupported = () =>
  'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';

/** The VAPID public key to subscribe with; null when the server cannot send push. */
export const serverKey = async () => (await api<{ public_key: string | null }>('GET', '/push/key')).public_key;

const registration = () => navigator.serviceWorker.ready;

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The endpoint a push method's address names (the API hands the subscription back as its JSON). */
function endpointOf(method: ContactMethod): string | null {
  try {
    const address = typeof method.address === 'string' ? JSON.parse(method.address) : method.address;
    return typeof address?.endpoint === 'string' ? address.endpoint : null;
  } catch {
    return null;
  }
}

/** The user's contact method that is this browser's subscription, if any. */
export async function deviceMethod(user: User): Promise<ContactMethod | undefined> {
  const current = await (await registration()).pushManager.getSubscription();
  if (!current) return undefined;
  return user.contact_methods?.find((m) => m.type === 'push' && endpointOf(m) === current.endpoint);
}

/** Asks for permission and subscribes; null when the user (or the browser) says no. */
export async function subscribe(key: string): Promise<PushSubscriptionJSON | null> {
  if ((await Notification.requestPermission()) !== 'granted') return null;
  const { pushManager } = await registration();
  const options = { userVisibleOnly: true, applicationServerKey: fromBase64url(key) };
  try {
    return (await pushManager.subscribe(options)).toJSON();
  } catch (error) {
    // A subscription made with an older key stands in the way: replace it once.
    const stale = await pushManager.getSubscription();
    if (!stale) throw error;
    await stale.unsubscribe();
    return (await pushManager.subscribe(options)).toJSON();
  }
}

export async function unsubscribe(): Promise<void> {
  await (await (await registration()).pushManager.getSubscription())?.unsubscribe();
}
