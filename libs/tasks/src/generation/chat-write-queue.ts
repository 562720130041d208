import { Injectable } from '@nestjs/common';

/**
 * Runs the writes to one chat one after the other. Saving a message rewrites the chat's JSON
 * (read, change, write), so two replies of a fan-out finishing together would otherwise lose
 * one of them. The tasks of one request all run on one instance, so a local queue suffices.
 */
@Injectable()
export class ChatWriteQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(chatId: string, write: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(chatId) ?? Promise.resolve();
    const next = previous.then(write, write);
    const tail = next.catch(() => undefined);
    this.tails.set(chatId, tail);
    void tail.then(() => {
      if (this.tails.get(chatId) === tail) this.tails.delete(chatId);
    });
    return next;
  }
}
