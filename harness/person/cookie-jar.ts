/**
 * A browser's cookies for one server, as the harness's person keeps them: Set-Cookie lines stored by
 * name (an empty value or Max-Age=0 deletes), and the Cookie header they make.
 */
export class CookieJar extends Map<string, string> {
  store(setCookieLines: readonly string[]): void {
    for (const line of setCookieLines) {
      const pair = line.split(';')[0] as string;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.delete(name);
      else this.set(name, value);
    }
  }

  header(): string | undefined {
    return this.size > 0 ? [...this].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }
}
