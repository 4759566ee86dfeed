import { HttpPerson } from './http-person.ts';
import type { BrowserKind, Person } from './person.ts';

/**
 * The scenario's browser: one per scenario, so a second sign-in finds the first one's session. It
 * stops at `stopAt`, the client's redirect URIs (sign-in and post-logout), where the client takes over.
 */
export async function createPerson(kind: BrowserKind, origin: string, stopAt: readonly (string | undefined)[]): Promise<Person> {
  if (kind === 'chromium') {
    const { ChromiumPerson } = await import('./chromium-person.ts');
    return ChromiumPerson.launch(origin, stopAt);
  }
  return new HttpPerson(origin, {}, { stopAt });
}
