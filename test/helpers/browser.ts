/**
 * A minimal browser for the connect flow: follows redirects one by one and keeps cookies per
 * host, as a real browser would, so tests can also play a second browser that has none.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** One request, no redirect followed. */
  async step(url: string): Promise<{ status: number; location: string | undefined; body: string }> {
    const target = new URL(url);
    const cookies = [...(this.jar.get(target.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
    this.remember(target.host, response.headers.getSetCookie());
    const location = response.headers.get('location');
    return {
      status: response.status,
      location: location ? new URL(location, url).toString() : undefined,
      body: await response.text(),
    };
  }

  /** Follows redirects, as a browser does. */
  async open(url: string, maxRedirects = 5): Promise<{ status: number; url: string; body: string }> {
    let current = url;
    for (let i = 0; i <= maxRedirects; i++) {
      const answer = await this.step(current);
      if (answer.status >= 300 && answer.status < 400 && answer.location) {
        current = answer.location;
        continue;
      }
      return { status: answer.status, url: current, body: answer.body };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private remember(host: string, setCookies: string[]): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const [name, ...value] = (pair ?? '').trim().split('=');
      if (!name) continue;
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value.join('=') === '') cookies.delete(name);
      else cookies.set(name, value.join('='));
    }
    this.jar.set(host, cookies);
  }
}
