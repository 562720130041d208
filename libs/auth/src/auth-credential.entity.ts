import { booleanTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Password credentials (Open WebUI's `auth` table); id is the user id. */
@Entity('auth')
export class AuthCredentialEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  email: string;

  /** bcrypt hash ($2b$...), compatible with Open WebUI's passlib hashes. */
  @Column({ type: 'text' })
  password: string;

  @Column({ type: 'boolean', default: true, transformer: booleanTransformer })
  active: boolean;
}
