/**
 * A minimal browser for the connect flow: follows redirects one by one and keeps cookies per
 * host, as a real browser would, so tests can also play a second browser that has none.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  async open(url: string, maxRedirects = 5): Promise<{ status: number; url: string; body: string; hops: string[] }> {
    const hops: string[] = [];
    let current = url;
    for (let i = 0; i <= maxRedirects; i++) {
      hops.push(current);
      const target = new URL(current);
      const cookies = [...(this.jar.get(target.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = await fetch(current, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
      this.remember(target.host, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        current = new URL(location, current).toString();
        continue;
      }
      return { status: response.status, url: current, body: await response.text(), hops };
    }
    throw new Error(`too many redirects: ${hops.join(' -> ')}`);
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
