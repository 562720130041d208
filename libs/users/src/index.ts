export * from './group-member.entity.js';
export * from './group.entity.js';
export * from './user.entity.js';
export * from './user.model.js';
export * from './group.model.js';
export * from './users.module.js';
export * from './users.service.js';
export * from './groups.service.js';
export * from './directory-group-sync.service.js';
export * from './permissions.service.js';
export * from './user-events.service.js';
export * from './password-updater.js';
export * from './active-users-source.js';
export * from './shared-chat-owner-lookup.js';
export * from './users.errors.js';
export {
  builtInDefaultPermissions,
  combinePermissions,
  fillMissingPermissions,
  isPermissionTree,
  readPermission,
} from './permission-tree.js';
export type { UserListQuery, UserOrderColumn } from './users.repository.js';

import { GroupMemberEntity } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';
import { UserEntity } from './user.entity.js';
export const USERS_ENTITIES = [UserEntity, GroupEntity, GroupMemberEntity];
