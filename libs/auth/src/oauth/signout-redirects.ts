import { Injectable } from '@nestjs/common';

/** Cookies of the signout request, by name. */
export type RequestCookies = Record<string, string | undefined>;

/** Answers where the browser should go after signout (e.g. the identity provider's end-session URL). */
export type SignoutRedirectResolver = (cookies: RequestCookies) => Promise<string | undefined>;

/**
 * Lets sign-in modules built on top of the auth module (OAuth) add a signout redirect without
 * the auth module depending on them: they register at start, signout asks them in order.
 */
@Injectable()
export class SignoutRedirects {
  private readonly resolvers: SignoutRedirectResolver[] = [];

  register(resolver: SignoutRedirectResolver): void {
    this.resolvers.push(resolver);
  }

  async resolve(cookies: RequestCookies): Promise<string | undefined> {
    for (const resolver of this.resolvers) {
      const url = await resolver(cookies);
      if (url) return url;
    }
    return undefined;
  }
}
