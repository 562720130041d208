export * from './group-member.entity.js';
export * from './group.entity.js';
export * from './user.entity.js';
export * from './user.model.js';
export * from './users.module.js';
export * from './users.service.js';
export type { UserListQuery } from './users.repository.js';

import { GroupMemberEntity } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';
import { UserEntity } from './user.entity.js';
export const USERS_ENTITIES = [UserEntity, GroupEntity, GroupMemberEntity];
