import { Inject, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Socket } from 'socket.io';
import { CallerAuthenticator, trustedHeaderAllows } from '@atrium/auth';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { AtriumMetrics, TracingService } from '@atrium/observability';
import { UserEventsService, UsersService } from '@atrium/users';
import { SOCKET_IO_PATH } from './realtime-io.adapter.js';
import { RealtimeRedis } from './realtime-redis.js';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from './server-events.js';
import { SessionPool } from './session-pool.js';
import { SocketServerRef, userRoom, type AtriumSocketServer } from './socket-server.ref.js';
import { UsagePool } from './usage-pool.js';

type SocketUser = NonNullable<SocketData['user']>;
type AtriumSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/**
 * Open WebUI's socket.io protocol: authenticate from `auth.token` at the handshake (the socket
 * connects either way, as upstream's always_connect) or later with `user-join`; authenticated
 * sockets join `user:{id}`; `heartbeat` and `usage` feed the presence and usage pools. A user who
 * is deleted or whose role changes loses every socket on every instance.
 */
@WebSocketGateway({ path: SOCKET_IO_PATH })
export class RealtimeGateway implements OnGatewayInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authenticator: CallerAuthenticator,
    private readonly users: UsersService,
    private readonly userEvents: UserEventsService,
    private readonly sessions: SessionPool,
    private readonly usage: UsagePool,
    private readonly redis: RealtimeRedis,
    private readonly ref: SocketServerRef,
    private readonly tracing: TracingService,
    private readonly metrics: AtriumMetrics,
  ) {}

  afterInit(server: AtriumSocketServer): void {
    const { commands, subscriber } = this.redis;
    if (commands && subscriber) {
      server.adapter(createAdapter(commands, subscriber, { key: this.redis.key('socket.io') }));
    }
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      // Never refused: a socket without a valid token stays connected with no room, as upstream.
      void this.inSpan('connect', {}, async () => {
        socket.data.user = await this.authenticate(socket, token);
      }).finally(() => next());
    });
    server.on('connection', (socket) => this.onConnection(socket));
    this.ref.server = server;
  }

  onApplicationBootstrap(): void {
    const drop = (reason: string) => (event: { userId: string }) =>
      this.disconnectUser(event.userId, reason);
    this.unsubscribe.push(
      this.userEvents.onUserDeleted(drop('deleted')),
      this.userEvents.onUserRoleChanged(drop('role changed')),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Closes every socket of the user, on every instance when the Redis adapter is on. */
  disconnectUser(userId: string, reason: string): void {
    const server = this.ref.server;
    if (!server) return;
    this.verbose(`disconnecting user ${userId} (${reason})`);
    server.in(userRoom(userId)).disconnectSockets(true);
  }

  private onConnection(socket: AtriumSocket): void {
    this.metrics.socketConnected();
    const user = socket.data.user;
    // Joined here, synchronously, so the room exists before the client sees "connect".
    if (user) this.join(socket, user);
    this.verbose(`socket ${socket.id} connected${user ? ` as ${user.id}` : ' without a user'}`);
    socket.on('user-join', (payload, ack) => {
      void this.inSpan('user-join', { 'socket.id': socket.id }, async () => {
        const token = readToken(payload);
        const joined = await this.authenticate(socket, token);
        if (joined) this.join(socket, joined);
        if (typeof ack !== 'function') return;
        // Refused: an empty ack (upstream's None), so the client does not wait for a timeout.
        if (joined) ack({ id: joined.id, name: joined.name });
        else ack();
      });
    });
    socket.on('heartbeat', () => {
      const current = socket.data.user;
      if (!current) return;
      void this.inSpan('heartbeat', { 'enduser.id': current.id }, async () => {
        this.sessions.touch(socket.id);
        await this.users.touchLastActive(current.id).catch((error: unknown) => {
          this.logger.warn(`last-active of ${current.id}: ${(error as Error).message}`);
        });
      });
    });
    socket.on('usage', (payload) => {
      const model = (payload as { model?: unknown } | undefined)?.model;
      if (!socket.data.user || typeof model !== 'string' || model === '') return;
      this.usage.record(model, socket.id);
    });
    socket.on('disconnect', (reason) => {
      this.metrics.socketDisconnected();
      this.sessions.remove(socket.id);
      this.verbose(`socket ${socket.id} disconnected (${reason})`);
    });
  }

  /**
   * Verifies the token like an HTTP request would (trusted-header rule included); pending users
   * are not let in.
   */
  private async authenticate(
    socket: AtriumSocket,
    token: unknown,
  ): Promise<SocketUser | undefined> {
    if (typeof token !== 'string' || token === '') return undefined;
    try {
      const caller = await this.authenticator.authenticate(token, SOCKET_IO_PATH);
      if (caller.role === 'pending') return undefined;
      // Behind a trusted proxy, a token of another user than the proxy's is refused, as on HTTP.
      if (!trustedHeaderAllows(socket.handshake.headers, this.config.trustedHeaders, caller)) {
        this.verbose(`socket ${socket.id} refused: token user is not the trusted-header user`);
        return undefined;
      }
      return { id: caller.id, name: caller.name, role: caller.role };
    } catch (error) {
      this.verbose(`socket ${socket.id} refused: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Puts the socket in the user's room (leaving a previous user's room on a token switch). */
  private join(socket: AtriumSocket, user: SocketUser): void {
    if (socket.disconnected) return;
    const previous = socket.data.user;
    if (previous && previous.id !== user.id) void socket.leave(userRoom(previous.id));
    socket.data.user = user;
    void socket.join(userRoom(user.id));
    this.sessions.add(socket.id, user.id);
  }

  /**
   * One span per handled event (TracingService: a no-op unless OpenTelemetry traces are on).
   * Never rejects: a failing handler is logged, not left to crash the process.
   */
  private async inSpan(
    event: string,
    attributes: Record<string, string>,
    run: () => Promise<void>,
  ): Promise<void> {
    try {
      await this.tracing.inSpan(
        `socket.io ${event}`,
        { 'socket.io.event': event, ...attributes },
        run,
      );
    } catch (error) {
      this.logger.error(`socket.io ${event} failed: ${(error as Error).message}`);
    }
  }

  private verbose(message: string): void {
    if (this.config.realtime.serverLogging) this.logger.log(message);
  }
}

function readToken(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const auth = (payload as { auth?: unknown }).auth;
  if (typeof auth !== 'object' || auth === null) return undefined;
  return (auth as { token?: unknown }).token;
}
