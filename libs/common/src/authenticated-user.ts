export type Role = 'pending' | 'user' | 'admin';

/** Who is calling: set on the request by the global auth guard. */
export interface AuthenticatedUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  profileImageUrl: string;
  /** How the caller proved itself (OpenTelemetry's client.auth.type). */
  authType: 'jwt' | 'api_key' | 'none';
  /** The bearer credential as presented (JWT or API key); empty when none. */
  credential: string;
}
