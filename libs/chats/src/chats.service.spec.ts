import { describe, expect, it, vi } from 'vitest';
import type { AuthenticatedUser } from '@atrium/common';
import { Clock } from '@atrium/common';
import type { AppConfig } from '@atrium/config';
import type { ChatRecord } from './chat.model.js';
import type { ChatsRepository } from './chats.repository.js';
import { ChatsService, descendantIds } from './chats.service.js';
import type { FoldersRepository } from './folders.repository.js';
import type { SharedChatAccessService } from './shared-chat-access.service.js';

const chat = (fields: Partial<ChatRecord> = {}): ChatRecord => ({
  id: 'c1',
  userId: 'owner',
  title: 'T',
  chat: { title: 'T', history: { currentId: 'a1', messages: { a1: { id: 'a1', content: '' } } } },
  shareId: null,
  archived: false,
  pinned: false,
  folderId: null,
  meta: {},
  createdAt: 1,
  updatedAt: 1,
  ...fields,
});

function setup(stored: ChatRecord | null = chat()) {
  const repository = {
    findOwned: vi.fn((ownerId: string, id: string) =>
      Promise.resolve(stored && stored.userId === ownerId && stored.id === id ? stored : null),
    ),
    findForAdmin: vi.fn(() => Promise.resolve(stored)),
    update: vi.fn((_owner: string, _id: string, changes: Partial<ChatRecord>) =>
      Promise.resolve({ ...stored!, ...changes }),
    ),
    search: vi.fn(() => Promise.resolve([])),
    countChatsWithTag: vi.fn(() => Promise.resolve(0)),
    deleteTag: vi.fn(() => Promise.resolve()),
  };
  const clock = new Clock();
  vi.spyOn(clock, 'nowSeconds').mockReturnValue(42);
  const config = { chats: { enableAdminChatAccess: true, enableAdminExport: true } } as AppConfig;
  // Nobody holds a shared_chat grant unless a test says so.
  const sharedAccess = { canRead: vi.fn(() => Promise.resolve(false)), clear: vi.fn() };
  const service = new ChatsService(
    repository as unknown as ChatsRepository,
    {} as FoldersRepository,
    clock,
    config,
    sharedAccess as unknown as SharedChatAccessService,
  );
  return { service, repository, sharedAccess };
}

describe('ChatsService', () => {
  it('saves a finished assistant message in one write, marked done', async () => {
    const { service, repository } = setup();
    await service.saveAssistantMessage('owner', 'c1', 'a1', {
      content: 'answer',
      usage: { total_tokens: 3 },
      sources: undefined,
    });
    expect(repository.update).toHaveBeenCalledTimes(1);
    const [, , changes] = repository.update.mock.calls[0];
    expect(changes.updatedAt).toBe(42);
    const history = changes.chat!.history as { messages: Record<string, unknown> };
    expect(history.messages.a1).toEqual({
      id: 'a1',
      role: 'assistant',
      done: true,
      content: 'answer',
      usage: { total_tokens: 3 },
    });
  });

  it("refuses to save into someone else's chat (404) without writing", async () => {
    const { service, repository } = setup();
    await expect(
      service.saveAssistantMessage('stranger', 'c1', 'a1', { content: 'x' }),
    ).rejects.toMatchObject({ status: 404 });
    expect(repository.update).not.toHaveBeenCalled();
  });

  it('merges the chat JSON shallowly and keeps the title in step', async () => {
    const { service, repository } = setup();
    await service.update('owner', 'c1', { title: 'New', params: {} });
    const [, , changes] = repository.update.mock.calls[0];
    expect(changes.title).toBe('New');
    expect(Object.keys(changes.chat!).sort()).toEqual(['history', 'params', 'title']);
  });

  it('splits tag: words from the search text and removes a lone tag nothing carries', async () => {
    const { service, repository } = setup();
    await service.search('owner', '  Tag:Work   Hello  World ', undefined);
    expect(repository.search).toHaveBeenCalledWith(
      'owner',
      { text: 'hello world', tagIds: ['work'] },
      { offset: 0, limit: 60 },
    );
    expect(repository.deleteTag).not.toHaveBeenCalled();
    await service.search('owner', 'tag:gone', 1);
    expect(repository.deleteTag).toHaveBeenCalledWith('owner', 'gone');
  });

  it('lets admins read any chat only while admin chat access is on', async () => {
    const { service } = setup();
    const admin = { id: 'admin', role: 'admin' } as AuthenticatedUser;
    await expect(service.getForReader(admin, 'c1')).resolves.toMatchObject({ id: 'c1' });
    const user = { id: 'someone', role: 'user' } as AuthenticatedUser;
    await expect(service.getForReader(user, 'c1')).rejects.toMatchObject({ status: 401 });
  });

  it('lets a holder of a shared_chat read grant read the chat, nobody else', async () => {
    const { service, sharedAccess } = setup();
    const reader = { id: 'reader', role: 'user' } as AuthenticatedUser;
    sharedAccess.canRead.mockResolvedValueOnce(true);
    await expect(service.getForReader(reader, 'c1')).resolves.toMatchObject({ id: 'c1' });
    expect(sharedAccess.canRead).toHaveBeenCalledWith(reader, 'c1');
    await expect(service.getForReader(reader, 'c1')).rejects.toMatchObject({ status: 401 });
  });

  it('walks folder trees without looping', () => {
    const folders = [
      { id: 'a', parentId: null },
      { id: 'b', parentId: 'a' },
      { id: 'c', parentId: 'b' },
      { id: 'd', parentId: null },
    ];
    expect(descendantIds(folders, 'a')).toEqual(['b', 'c']);
    expect(descendantIds([{ id: 'x', parentId: 'x' }], 'x')).toEqual([]);
  });
});
