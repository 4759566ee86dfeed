import { HttpPerson } from './http-person.ts';
import type { BrowserKind, Person } from './person.ts';

/** The scenario's browser: one per scenario, so a second sign-in finds the first one's session. */
export async function createPerson(kind: BrowserKind, origin: string, redirectUri: string | undefined): Promise<Person> {
  if (kind === 'chromium') {
    const { ChromiumPerson } = await import('./chromium-person.ts');
    return ChromiumPerson.launch(origin, redirectUri);
  }
  return new HttpPerson(origin, {}, { stopAt: redirectUri });
}
