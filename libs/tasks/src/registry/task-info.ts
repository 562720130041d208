/** A running chat task as every instance sees it (kept in Redis when configured). */
export interface TaskInfo {
  id: string;
  chatId: string;
  messageId: string;
  userId: string;
  /** The instance running it (the one that can abort the upstream request). */
  instanceId: string;
  /** Epoch milliseconds. */
  createdAt: number;
}
