import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Auth, CurrentUser, queryValidationPipe, type AuthenticatedUser } from '@atrium/common';
import type { PermissionTree } from '@atrium/config';
import { JsonObjectBodyPipe, PermissionTreeBodyPipe } from './dto/body-pipes.js';
import { toGroupResponse, type GroupResponse } from './dto/group-responses.js';
import { sendProfileImage } from './dto/profile-image.response.js';
import {
  UpdateUserDto,
  UserListQueryDto,
  type UserListQueryParams,
} from './dto/user-requests.dto.js';
import {
  toUserCardResponse,
  toUserInfoResponse,
  toUserListResponse,
  toUserResponse,
  toUserWithGroupIdsResponse,
  type UserCardResponse,
  type UserDetailsResponse,
  type UserInfoResponse,
  type UserListResponse,
  type UserResponse,
  type UserWithGroupIdsResponse,
} from './dto/user-responses.js';
import { UserAccountsService, type UserPageQuery } from './user-accounts.service.js';

/**
 * /api/v1/users: Open WebUI's users router. Static paths come before `/:user_id` so that,
 * e.g., `/user/info` is never read as the info of a user called "user".
 */
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly accounts: UserAccountsService) {}

  @Get()
  @Auth({ admin: true })
  async listUsers(
    @Query(queryValidationPipe(UserListQueryDto)) query: UserListQueryParams,
  ): Promise<UserListResponse<UserWithGroupIdsResponse>> {
    return toUserListResponse(
      await this.accounts.listUsers(toPageQuery(query)),
      toUserWithGroupIdsResponse,
    );
  }

  @Get('all')
  @Auth({ admin: true })
  async listAllUsers(): Promise<UserListResponse<UserInfoResponse>> {
    return toUserListResponse(await this.accounts.listAllUsers(), toUserInfoResponse);
  }

  @Get('search')
  @Auth()
  async searchUsers(
    @Query(queryValidationPipe(UserListQueryDto)) query: UserListQueryParams,
  ): Promise<UserListResponse<UserInfoResponse>> {
    return toUserListResponse(
      await this.accounts.searchUsers(toPageQuery(query)),
      toUserInfoResponse,
    );
  }

  @Get('active')
  @Auth()
  async getActiveUsers(): Promise<{ user_ids: string[] }> {
    return { user_ids: await this.accounts.getActiveUserIds() };
  }

  @Get('groups')
  @Auth()
  async getOwnGroups(@CurrentUser() caller: AuthenticatedUser): Promise<GroupResponse[]> {
    return (await this.accounts.getGroupsOf(caller.id)).map(toGroupResponse);
  }

  @Get('permissions')
  @Auth()
  getOwnPermissions(@CurrentUser() caller: AuthenticatedUser): Promise<PermissionTree> {
    return this.accounts.getPermissionsOf(caller.id);
  }

  @Get('default/permissions')
  @Auth({ admin: true })
  getDefaultPermissions(): PermissionTree {
    return this.accounts.getDefaultPermissions();
  }

  @Post('default/permissions')
  @HttpCode(200)
  @Auth({ admin: true })
  setDefaultPermissions(
    @Body(PermissionTreeBodyPipe) tree: PermissionTree,
  ): Promise<PermissionTree> {
    return this.accounts.setDefaultPermissions(tree);
  }

  @Get('user/settings')
  @Auth()
  getOwnSettings(
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<Record<string, unknown> | null> {
    return this.accounts.getSettings(caller.id);
  }

  @Post('user/settings/update')
  @HttpCode(200)
  @Auth()
  updateOwnSettings(
    @CurrentUser() caller: AuthenticatedUser,
    @Body(new JsonObjectBodyPipe(['ui'])) settings: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return this.accounts.updateSettings(caller, settings);
  }

  @Get('user/info')
  @Auth()
  getOwnInfo(@CurrentUser() caller: AuthenticatedUser): Promise<Record<string, unknown> | null> {
    return this.accounts.getInfo(caller.id);
  }

  @Post('user/info/update')
  @HttpCode(200)
  @Auth()
  updateOwnInfo(
    @CurrentUser() caller: AuthenticatedUser,
    @Body(new JsonObjectBodyPipe()) info: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return this.accounts.updateInfo(caller.id, info);
  }

  /** `user_id` may be `shared-<chat_id>` (the owner of a shared chat). */
  @Get(':user_id')
  @Auth()
  async getUser(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('user_id') userId: string,
  ): Promise<UserCardResponse | UserDetailsResponse> {
    const card = await this.accounts.getUserCard(caller, userId);
    return toUserCardResponse(card.details, card.full);
  }

  @Get(':user_id/info')
  @Auth()
  async getUserInfo(@Param('user_id') userId: string): Promise<UserInfoResponse> {
    return toUserInfoResponse(await this.accounts.getUserInfo(userId));
  }

  @Get(':user_id/groups')
  @Auth({ admin: true })
  async getUserGroups(@Param('user_id') userId: string): Promise<GroupResponse[]> {
    return (await this.accounts.getGroupsOf(userId)).map(toGroupResponse);
  }

  @Get(':user_id/profile/image')
  @Auth()
  async getProfileImage(
    @Param('user_id') userId: string,
    @Res() response: Response,
  ): Promise<void> {
    sendProfileImage(response, await this.accounts.getProfileImage(userId));
  }

  @Get(':user_id/active')
  @Auth()
  async getActiveStatus(@Param('user_id') userId: string): Promise<{ active: boolean }> {
    return { active: await this.accounts.isUserActive(userId) };
  }

  @Post(':user_id/update')
  @HttpCode(200)
  @Auth({ admin: true })
  async updateUser(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('user_id') userId: string,
    @Body() form: UpdateUserDto,
  ): Promise<UserResponse> {
    const updated = await this.accounts.updateUser(caller, userId, {
      role: form.role,
      name: form.name,
      email: form.email,
      profileImageUrl: form.profile_image_url,
      password: form.password,
    });
    return toUserResponse(updated);
  }

  @Delete(':user_id')
  @Auth({ admin: true })
  deleteUser(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('user_id') userId: string,
  ): Promise<true> {
    return this.accounts.deleteUser(caller, userId);
  }
}

function toPageQuery(query: UserListQueryParams): UserPageQuery {
  return {
    query: query.query,
    orderBy: query.order_by as UserPageQuery['orderBy'],
    direction: query.direction,
    page: query.page,
  };
}
