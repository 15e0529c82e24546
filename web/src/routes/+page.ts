// `/` leads to the incidents, or to the sign-in page without a session.
import { redirect } from '@sveltejs/kit';

export async function load({ fetch }) {
  const session = await fetch('/api/v1/session');
  redirect(307, session.ok ? '/incidents' : '/sign-in');
}
