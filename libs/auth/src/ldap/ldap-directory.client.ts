import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { Injectable } from '@nestjs/common';
import { Client, InvalidCredentialsError } from 'ldapts';
import type { LdapConnectionSettings } from './ldap-settings.js';

/** A directory entry: its DN and the string values of the attributes asked for. */
export interface DirectoryEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** The directory did not answer (down, refused, timed out, TLS handshake failed). */
export class DirectoryUnavailableError extends Error {}

/** A bind was refused because the DN/password pair is wrong. */
export class DirectoryBindRefusedError extends Error {}

/** One open connection to the directory. Always close() it. */
export interface DirectoryConnection {
  /** Simple bind; DirectoryBindRefusedError on wrong credentials. */
  bind(dn: string, password: string): Promise<void>;
  /** Subtree search; attribute names are matched case-insensitively in the result. */
  search(
    base: string,
    filter: string,
    attributes: string[],
    sizeLimit?: number,
  ): Promise<DirectoryEntry[]>;
  close(): Promise<void>;
}

/**
 * The adapter between Atrium and an LDAP server (ldapts): connects with the configured TLS
 * mode (LDAPS or StartTLS, CA file, certificate validation, ciphers) and bounds every step with
 * the configured timeout, translating transport failures into DirectoryUnavailableError.
 */
@Injectable()
export class LdapDirectoryClient {
  async connect(settings: LdapConnectionSettings): Promise<DirectoryConnection> {
    const tlsOptions = settings.useTls ? await tlsOptionsFor(settings) : undefined;
    const ldaps = settings.useTls && settings.tlsMode === 'ldaps';
    const client = new Client({
      url: `${ldaps ? 'ldaps' : 'ldap'}://${formatHost(settings.host)}:${settings.port}`,
      timeout: settings.timeoutMs,
      connectTimeout: settings.timeoutMs,
      tlsOptions: ldaps ? tlsOptions : undefined,
      strictDN: false,
    });
    const connection = new LdapConnection(client, settings.timeoutMs);
    if (settings.useTls && settings.tlsMode === 'starttls') {
      await connection.guard('StartTLS', () => client.startTLS(tlsOptions));
    }
    return connection;
  }
}

class LdapConnection implements DirectoryConnection {
  constructor(
    private readonly client: Client,
    private readonly timeoutMs: number,
  ) {}

  async bind(dn: string, password: string): Promise<void> {
    try {
      await this.guard('bind', () => this.client.bind(dn, password));
    } catch (error) {
      if (error instanceof InvalidCredentialsError) throw new DirectoryBindRefusedError(dn);
      throw error;
    }
  }

  async search(
    base: string,
    filter: string,
    attributes: string[],
    sizeLimit = 0,
  ): Promise<DirectoryEntry[]> {
    const result = await this.guard('search', () =>
      this.client.search(base, { scope: 'sub', filter, attributes, sizeLimit }),
    );
    return result.searchEntries.map((entry) => {
      const values: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(entry)) {
        if (name === 'dn') continue;
        const list = Array.isArray(value) ? value : [value];
        values[name.toLowerCase()] = list.map((item) =>
          Buffer.isBuffer(item) ? item.toString('utf8') : String(item),
        );
      }
      return { dn: entry.dn, attributes: values };
    });
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }

  /**
   * Runs one protocol step under the time bound. ldapts bounds operations itself; this outer
   * bound also covers a TLS handshake that never completes. Transport errors become
   * DirectoryUnavailableError; LDAP result codes (ResultCodeError) pass through.
   */
  async guard<T>(step: string, work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DirectoryUnavailableError(`${step} timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs + 250,
      );
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      if (error instanceof DirectoryUnavailableError || isResultCodeError(error)) throw error;
      throw new DirectoryUnavailableError(`${step} failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

function isResultCodeError(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'number';
}

async function tlsOptionsFor(settings: LdapConnectionSettings): Promise<ConnectionOptions> {
  const options: ConnectionOptions = {
    rejectUnauthorized: settings.validateCert,
    servername: isIpAddress(settings.host) ? undefined : settings.host,
  };
  // OpenSSL's cipher list syntax; "ALL" (Open WebUI's default) means Node's defaults.
  if (settings.ciphers && settings.ciphers.toUpperCase() !== 'ALL')
    options.ciphers = settings.ciphers;
  if (settings.caCertFile) {
    try {
      options.ca = await readFile(settings.caCertFile);
    } catch (error) {
      throw new DirectoryTlsConfigError(
        `cannot read LDAP_CA_CERT_FILE ${settings.caCertFile}: ${(error as Error).message}`,
      );
    }
  }
  return options;
}

/** The TLS settings cannot be used (e.g. an unreadable CA file): Open WebUI answers 400. */
export class DirectoryTlsConfigError extends Error {}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
