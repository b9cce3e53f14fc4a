/**
 * Keeps the session usable for the live connection. The socket authenticates with
 * the access cookie, which lives 15 minutes; any authenticated HTTP request renews
 * it from the refresh cookie, so asking "who am I?" is how the page refreshes it.
 */
import { goToLogin } from './api.js';

/** True when the session is still open (the access cookie is fresh now); false sends to sign-in. */
export async function renewSession(): Promise<boolean> {
  try {
    const res = await fetch('/api/v1/me', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (res.status === 401) {
      goToLogin();
      return false;
    }
    return res.ok;
  } catch {
    return false;
  }
}
