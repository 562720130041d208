import type { EntityManager } from 'typeorm';

/**
 * An open database transaction, as services pass it from one repository's `transaction(work)`
 * to the other repositories taking part. Services treat it as an opaque handle; only
 * repositories look inside (it is TypeORM's EntityManager).
 */
export type Transaction = EntityManager;
