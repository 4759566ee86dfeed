/**
 * The harness's person at a browser (harness/person/http-person.ts), signing in as the test
 * servers' usual user, ada / lovelace, unless told otherwise.
 */
import { HttpPerson as HarnessPerson, type PersonChoices } from '../../harness/person/http-person.ts';

export type { PersonChoices } from '../../harness/person/http-person.ts';

export class HttpPerson extends HarnessPerson {
  constructor(origin: string, defaults: PersonChoices = {}) {
    super(origin, { username: 'ada', password: 'lovelace', ...defaults });
  }
}
