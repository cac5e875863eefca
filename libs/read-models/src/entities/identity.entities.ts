import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PasswordHash, PrincipalKind, RepositoryState, Role, Scope, Visibility } from '@ferry/contracts';

@Entity('users')
export class UserRow {
  @PrimaryColumn({ type: 'text' }) username!: string;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  /** Hashed (scrypt); null for a user who signs in only through single sign-on. */
  @Column({ name: 'password_hash', type: 'jsonb', nullable: true }) passwordHash!: PasswordHash | null;
  /** False once a superuser disabled the user: its password, tokens and sessions are refused until enabled again. */
  @Column({ type: 'boolean', default: true }) enabled!: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('api_tokens')
export class ApiTokenRow {
  @PrimaryColumn({ name: 'token_id', type: 'uuid' }) tokenId!: string;
  @Column({ type: 'text' }) username!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text', array: true }) scopes!: Scope[];
  /** sha256 of the token; the token itself is nowhere. */
  @Column({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  /** The client id of the OAuth application that minted it; null for the user's own tokens and sessions. */
  @Column({ name: 'application_client_id', type: 'text', nullable: true }) applicationClientId!: string | null;
}

/** When a token was last used: written by the API as tokens are used, not by a projection. */
@Entity('api_token_usage')
export class ApiTokenUsageRow {
  @PrimaryColumn({ name: 'token_id', type: 'uuid' }) tokenId!: string;
  @Column({ name: 'last_used_at', type: 'timestamptz' }) lastUsedAt!: Date;
}

@Entity('organizations')
export class OrganizationRow {
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('repositories')
export class RepositoryRow {
  @PrimaryColumn({ type: 'text' }) namespace!: string;
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'text' }) visibility!: Visibility;
  @Column({ type: 'text' }) state!: RepositoryState;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A role held on an organization (`repository` = '') or on one repository. */
@Entity('permissions')
export class PermissionRow {
  @PrimaryColumn({ type: 'text' }) namespace!: string;
  @PrimaryColumn({ type: 'text' }) repository!: string;
  @PrimaryColumn({ name: 'principal_kind', type: 'text' }) principalKind!: PrincipalKind;
  @PrimaryColumn({ name: 'principal_name', type: 'text' }) principalName!: string;
  @Column({ type: 'text' }) role!: Role;
}
