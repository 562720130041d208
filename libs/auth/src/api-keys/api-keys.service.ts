import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Clock,
  ErrorMessages,
  ForbiddenError,
  newId,
  NotFoundError,
  type AuthenticatedUser,
  type Role,
} from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import { PermissionsService } from '@atrium/users';
import { ApiKeyNotAllowedError, AuthMessages } from '../auth.errors.js';
import { ApiKeyCipher, generateApiKey, hashApiKey, isApiKeyFormat } from './api-key-cipher.js';
import { isEndpointAllowed, parseAllowedEndpoints } from './api-key-endpoint-restriction.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/** last_used_at is written at most this often per key, to keep authenticated calls write-free. */
const LAST_USED_WRITE_INTERVAL_SECONDS = 60;

/**
 * Per-user API keys (`sk-...`): one per user, stored as a SHA-256 lookup hash plus an
 * AES-256-GCM copy for GET /api_key. Gated by the setting auth.api_key.enable and, for
 * non-admins, the permission features.api_keys; optionally restricted to some endpoints.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly cipher: ApiKeyCipher;
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly changeListeners = new Set<(userId: string) => Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly keys: ApiKeysRepository,
    private readonly settings: SettingsService,
    private readonly permissions: PermissionsService,
    private readonly clock: Clock,
  ) {
    this.cipher = new ApiKeyCipher(config.secretKey);
  }

  /** Awaited after a user's key is replaced or deleted (caches of verified keys drop theirs). */
  onKeyChanged(listener: (userId: string) => Promise<void>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** POST /api_key: a new key replacing the old one (403 when keys are off for this user). */
  async create(user: AuthenticatedUser): Promise<string> {
    if (!(await this.mayUseKeys(user.id, user.role))) {
      throw new ForbiddenError(ErrorMessages.API_KEY_CREATION_NOT_ALLOWED);
    }
    const apiKey = generateApiKey();
    await this.keys.replaceForUser({
      id: newId(),
      userId: user.id,
      keyHash: hashApiKey(apiKey),
      keyEncrypted: this.cipher.encrypt(apiKey, user.id),
      lastUsedAt: null,
      createdAt: this.clock.nowSeconds(),
    });
    await this.keyChanged(user.id);
    return apiKey;
  }

  /** GET /api_key: the user's key, or 404 when there is none. */
  async get(userId: string): Promise<string> {
    const stored = await this.keys.findByUserId(userId);
    const apiKey = stored ? this.cipher.decrypt(stored.keyEncrypted, userId) : null;
    if (stored && apiKey === null) {
      // Encrypted under another WEBUI_SECRET_KEY (or imported): usable, but not readable.
      this.logger.warn(`the API key of user ${userId} cannot be decrypted with the current secret`);
    }
    if (apiKey === null) throw new NotFoundError(ErrorMessages.API_KEY_NOT_FOUND);
    return apiKey;
  }

  async delete(userId: string): Promise<boolean> {
    const deleted = await this.keys.deleteForUser(userId);
    if (deleted) await this.keyChanged(userId);
    return deleted;
  }

  private async keyChanged(userId: string): Promise<void> {
    await Promise.all([...this.changeListeners].map((listener) => listener(userId)));
  }

  /** Whether a key may call `path` (ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS). */
  isPathAllowed(path: string): boolean {
    if (!this.settings.get('auth.api_key.endpoint_restrictions')) return true;
    return isEndpointAllowed(
      path,
      parseAllowedEndpoints(this.settings.get('auth.api_key.allowed_endpoints')),
    );
  }

  /** The owner of a presented key, or null when no such key exists. */
  async findOwner(apiKey: string): Promise<string | null> {
    if (!isApiKeyFormat(apiKey)) return null;
    const stored = await this.keys.findByHash(hashApiKey(apiKey));
    if (!stored) return null;
    this.recordUse(stored.id);
    return stored.userId;
  }

  /** Throws 403 when keys are switched off, or the (non-admin) owner lacks features.api_keys. */
  async assertUsable(userId: string, role: Role): Promise<void> {
    if (!(await this.mayUseKeys(userId, role))) throw new ApiKeyNotAllowedError();
  }

  /** Throws 403 when a key calls an endpoint outside the allowed list. */
  assertPathAllowed(path: string): void {
    if (!this.isPathAllowed(path))
      throw new ApiKeyNotAllowedError(AuthMessages.API_KEY_ENDPOINT_NOT_ALLOWED);
  }

  private async mayUseKeys(userId: string, role: Role): Promise<boolean> {
    if (!this.settings.get('auth.api_key.enable')) return false;
    if (role === 'admin') return true;
    return this.permissions.hasPermission(userId, 'features.api_keys');
  }

  /** Fire-and-forget, throttled last_used_at write. */
  private recordUse(keyId: string): void {
    const now = this.clock.nowSeconds();
    if (now - (this.lastUsedWrites.get(keyId) ?? 0) < LAST_USED_WRITE_INTERVAL_SECONDS) return;
    this.lastUsedWrites.set(keyId, now);
    if (this.lastUsedWrites.size > 10_000) this.lastUsedWrites.clear();
    this.keys.touch(keyId, now).catch((error: unknown) => {
      this.logger.warn(`could not record API key use: ${(error as Error).message}`);
    });
  }
}
