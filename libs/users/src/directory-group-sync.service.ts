import { Injectable, Logger } from '@nestjs/common';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';

/** Where a user's group list came from (shown in the sync log line). */
export type DirectoryGroupSource = 'ldap' | 'oauth' | 'header';

export interface DirectoryGroupSyncOptions {
  /** Create the named groups that do not exist yet (ENABLE_*_GROUP_CREATION). */
  createMissing: boolean;
  source: DirectoryGroupSource;
}

/** Group names (not ids) that changed for the user. */
export interface DirectoryGroupSyncResult {
  added: string[];
  removed: string[];
  created: string[];
}

const SOURCE_LABEL: Record<DirectoryGroupSource, string> = {
  ldap: 'LDAP',
  oauth: 'OAuth',
  header: 'trusted header',
};

/**
 * Makes a user's Atrium groups follow an outside directory (LDAP, OAuth claim, trusted header),
 * as Open WebUI's group management does: afterwards the user belongs to exactly the groups whose
 * name is in the list (every group of that name, names compared exactly), is removed from all
 * others, and with `createMissing` the unknown names become new groups first. An empty list
 * removes every membership: callers that want Open WebUI's "empty claim = leave alone" rule
 * (and its "admins are never synced" rule) check that before calling.
 */
@Injectable()
export class DirectoryGroupSync {
  private readonly logger = new Logger('DirectoryGroupSync');
  /** Serialises group creation in this process so two sign-ins do not create the same name twice. */
  private creation: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly groupsRepository: GroupsRepository,
    private readonly groups: GroupsService,
  ) {}

  async syncUserGroups(
    userId: string,
    groupNames: string[],
    options: DirectoryGroupSyncOptions,
  ): Promise<DirectoryGroupSyncResult> {
    const wanted = new Set(groupNames.filter((name) => name.length > 0));
    const created = options.createMissing
      ? await this.serialised(() => this.createMissing(userId, wanted, options.source))
      : [];
    const all = await this.groupsRepository.findAll();
    const targetIds = all.filter((group) => wanted.has(group.name)).map((group) => group.id);
    const before = new Set(await this.groupsRepository.findGroupIdsByMember(userId));
    await this.groups.setUserGroups(userId, targetIds);
    const target = new Set(targetIds);
    const nameOf = new Map(all.map((group) => [group.id, group.name]));
    const added = targetIds.filter((id) => !before.has(id)).map((id) => nameOf.get(id) ?? id);
    const removed = [...before].filter((id) => !target.has(id)).map((id) => nameOf.get(id) ?? id);
    const result = { added: unique(added), removed: unique(removed), created };
    this.log(userId, [...wanted], options.source, result);
    return result;
  }

  private async createMissing(
    userId: string,
    wanted: Set<string>,
    source: DirectoryGroupSource,
  ): Promise<string[]> {
    const existing = new Set((await this.groupsRepository.findAll()).map((group) => group.name));
    const missing = [...wanted].filter((name) => !existing.has(name));
    for (const name of missing) {
      await this.groups.createGroup(userId, {
        name,
        description: `Group '${name}' created automatically via ${SOURCE_LABEL[source]}.`,
      });
    }
    return missing;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.creation.then(work, work);
    this.creation = next.catch(() => undefined);
    return next;
  }

  private log(
    userId: string,
    wanted: string[],
    source: DirectoryGroupSource,
    result: DirectoryGroupSyncResult,
  ): void {
    const changed = result.added.length + result.removed.length + result.created.length > 0;
    const summary =
      `${SOURCE_LABEL[source]} group sync for user ${userId}: directory groups [${wanted.join(', ')}]` +
      (changed
        ? `; added [${result.added.join(', ')}], removed [${result.removed.join(', ')}], created [${result.created.join(', ')}]`
        : '; no change');
    this.logger.log(summary);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
