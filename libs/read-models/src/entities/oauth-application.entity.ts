import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EncryptedSecret } from '@ferry/contracts';

/** An organization's OAuth application (Quay's `OAuthApplication`); client ids are unique across organizations, as Quay's lookups by client id need. */
@Entity('oauth_applications')
export class OAuthApplicationRow {
  @PrimaryColumn({ name: 'client_id', type: 'text' }) clientId!: string;
  @Column({ type: 'text' }) organization!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ name: 'application_uri', type: 'text' }) applicationUri!: string;
  @Column({ name: 'redirect_uri', type: 'text' }) redirectUri!: string;
  @Column({ name: 'avatar_email', type: 'text', nullable: true }) avatarEmail!: string | null;
  /** Sealed with the service's key (shown to the organization's admins, as Quay shows it); never in clear. */
  @Column({ name: 'client_secret', type: 'jsonb' }) clientSecret!: EncryptedSecret;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
