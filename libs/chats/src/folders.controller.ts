import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Auth, CurrentUser, type AuthenticatedUser } from '@atrium/common';
import { FoldersService } from './folders.service.js';
import { FolderExpandedDto, FolderFormDto, FolderParentDto } from './dto/folder-requests.dto.js';
import {
  toFolderListResponse,
  toFolderResponse,
  type FolderResponse,
} from './dto/chat-responses.js';

/** /api/v1/folders: Open WebUI's folders router. */
@Controller('api/v1/folders')
export class FoldersController {
  constructor(private readonly folders: FoldersService) {}

  @Get()
  @Auth()
  async list(@CurrentUser() caller: AuthenticatedUser): Promise<FolderResponse[]> {
    return (await this.folders.list(caller.id)).map(toFolderListResponse);
  }

  @Post()
  @HttpCode(200)
  @Auth()
  async create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: FolderFormDto,
  ): Promise<FolderResponse> {
    return toFolderResponse(
      await this.folders.create(caller.id, {
        name: form.name,
        data: form.data,
        meta: form.meta,
        parentId: form.parent_id,
      }),
    );
  }

  @Get(':id')
  @Auth()
  async get(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<FolderResponse> {
    return toFolderResponse(await this.folders.get(caller.id, id));
  }

  @Post(':id/update')
  @HttpCode(200)
  @Auth()
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: FolderFormDto,
  ): Promise<FolderResponse> {
    return toFolderResponse(
      await this.folders.update(caller.id, id, {
        name: form.name,
        data: form.data,
        meta: form.meta,
      }),
    );
  }

  @Post(':id/update/parent')
  @HttpCode(200)
  @Auth()
  async move(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: FolderParentDto,
  ): Promise<FolderResponse> {
    return toFolderResponse(await this.folders.move(caller.id, id, form.parent_id ?? null));
  }

  @Post(':id/update/expanded')
  @HttpCode(200)
  @Auth()
  async setExpanded(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: FolderExpandedDto,
  ): Promise<FolderResponse> {
    return toFolderResponse(await this.folders.setExpanded(caller.id, id, form.is_expanded));
  }

  @Delete(':id')
  @Auth()
  delete(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<boolean> {
    return this.folders.delete(caller, id);
  }
}
