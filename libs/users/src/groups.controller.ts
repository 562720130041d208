import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Auth, CurrentUser, queryValidationPipe, type AuthenticatedUser } from '@atrium/common';
import {
  CreateGroupDto,
  GroupListQueryDto,
  UpdateGroupDto,
  UserIdsDto,
  type GroupListQueryParams,
} from './dto/group-requests.dto.js';
import {
  toGroupExportResponse,
  toGroupInfoResponse,
  toGroupResponse,
  type GroupExportResponse,
  type GroupInfoResponse,
  type GroupResponse,
} from './dto/group-responses.js';
import { toUserInfoResponse, type UserInfoResponse } from './dto/user-responses.js';
import { GroupsService } from './groups.service.js';

/** /api/v1/groups: Open WebUI's groups router. */
@Controller('api/v1/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @Auth()
  async listGroups(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(GroupListQueryDto)) query: GroupListQueryParams,
  ): Promise<GroupResponse[]> {
    return (await this.groups.listGroups(caller, query.share)).map(toGroupResponse);
  }

  @Post('create')
  @HttpCode(200)
  @Auth({ admin: true })
  async createGroup(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: CreateGroupDto,
  ): Promise<GroupResponse> {
    return toGroupResponse(await this.groups.createGroup(caller.id, form));
  }

  @Get('id/:id')
  @Auth({ admin: true })
  async getGroup(@Param('id') id: string): Promise<GroupResponse> {
    return toGroupResponse(await this.groups.getGroup(id));
  }

  @Get('id/:id/info')
  @Auth()
  async getGroupInfo(@Param('id') id: string): Promise<GroupInfoResponse> {
    return toGroupInfoResponse(await this.groups.getGroup(id));
  }

  @Get('id/:id/export')
  @Auth({ admin: true })
  async exportGroup(@Param('id') id: string): Promise<GroupExportResponse> {
    return toGroupExportResponse(await this.groups.exportGroup(id));
  }

  /** A POST in Open WebUI too. */
  @Post('id/:id/users')
  @HttpCode(200)
  @Auth({ admin: true })
  async getMembers(@Param('id') id: string): Promise<UserInfoResponse[]> {
    return (await this.groups.getMembers(id)).map(toUserInfoResponse);
  }

  @Post('id/:id/update')
  @HttpCode(200)
  @Auth({ admin: true })
  async updateGroup(@Param('id') id: string, @Body() form: UpdateGroupDto): Promise<GroupResponse> {
    const { user_ids: userIds, ...fields } = form;
    return toGroupResponse(await this.groups.updateGroup(id, { ...fields, userIds }));
  }

  @Post('id/:id/users/add')
  @HttpCode(200)
  @Auth({ admin: true })
  async addUsers(@Param('id') id: string, @Body() form: UserIdsDto): Promise<GroupResponse> {
    return toGroupResponse(await this.groups.addUsers(id, form.user_ids ?? []));
  }

  @Post('id/:id/users/remove')
  @HttpCode(200)
  @Auth({ admin: true })
  async removeUsers(@Param('id') id: string, @Body() form: UserIdsDto): Promise<GroupResponse> {
    return toGroupResponse(await this.groups.removeUsers(id, form.user_ids ?? []));
  }

  @Delete('id/:id/delete')
  @Auth({ admin: true })
  deleteGroup(@Param('id') id: string): Promise<true> {
    return this.groups.deleteGroup(id);
  }
}
