// Who is signed in (GET /session), as their user object: their time zone formats every date the
// console shows, falling back to the browser's.
import { goto } from '$app/navigation';
import { api, ApiError } from './api';
import type { User } from './users';

let signedIn: Promise<User> | null = null;

export const zone = { current: Intl.DateTimeFormat().resolvedOptions().timeZone };

export function me(): Promise<User> {
  signedIn ??= api<{ user: string }>('GET', '/session')
    .then(async (session) => {
      const user = await api<User>('GET', `/users/${encodeURIComponent(session.user)}`);
      if (user.time_zone) zone.current = user.time_zone;
      return user;
    })
    .catch(async (error) => {
      signedIn = null;
      // api() leaves a 401 from /session to its caller: here it means signed out.
      if (error instanceof ApiError && error.status === 401) await goto('/sign-in');
      throw error;
    });
  return signedIn;
}

/** After the profile changes: the next me() reads it again. */
export function forgetMe(): void {
  signedIn = null;
}
