/**
 * Who is connected right now (socket presence), for GET /api/v1/users/active. The realtime
 * library provides it; like PASSWORD_UPDATER it is looked up at call time, so neither library
 * imports the other. Without it the route falls back to recently active users.
 */
export interface ActiveUsersSource {
  activeUserIds(): Promise<string[]>;
}

export const ACTIVE_USERS_SOURCE = Symbol('ACTIVE_USERS_SOURCE');
