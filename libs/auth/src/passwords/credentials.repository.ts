import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { AuthCredentialEntity } from '../auth-credential.entity.js';

export interface Credential {
  /** The user id. */
  id: string;
  email: string;
  /** bcrypt hash. */
  passwordHash: string;
  active: boolean;
}

/** The only code that touches the `auth` table (password credentials, one row per user). */
@Injectable()
export class CredentialsRepository {
  private readonly credentials: Repository<AuthCredentialEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.credentials = dataSource.getRepository(AuthCredentialEntity);
  }

  async findByUserId(userId: string): Promise<Credential | null> {
    return toCredential(await this.credentials.findOneBy({ id: userId }));
  }

  async findByEmail(email: string): Promise<Credential | null> {
    return toCredential(await this.credentials.findOneBy({ email }));
  }

  /** Inserts inside the caller's transaction (the user row is created in the same one). */
  async insert(credential: Credential, manager?: EntityManager): Promise<void> {
    await this.repository(manager).insert(toEntity(credential));
  }

  /** Sets the hash; false when the user has no credential row. */
  async updatePassword(userId: string, passwordHash: string): Promise<boolean> {
    const result = await this.credentials.update({ id: userId }, { password: passwordHash });
    return (result.affected ?? 0) > 0;
  }

  async updateEmail(userId: string, email: string, manager?: EntityManager): Promise<void> {
    await this.repository(manager).update({ id: userId }, { email });
  }

  private repository(manager?: EntityManager): Repository<AuthCredentialEntity> {
    return manager ? manager.getRepository(AuthCredentialEntity) : this.credentials;
  }
}

function toCredential(entity: AuthCredentialEntity | null): Credential | null {
  if (!entity) return null;
  return {
    id: entity.id,
    email: entity.email,
    passwordHash: entity.password,
    active: entity.active === true,
  };
}

function toEntity(credential: Credential): AuthCredentialEntity {
  const entity = new AuthCredentialEntity();
  entity.id = credential.id;
  entity.email = credential.email;
  entity.password = credential.passwordHash;
  entity.active = credential.active;
  return entity;
}
