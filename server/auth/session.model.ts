import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

/**
 * One staff login (a browser or an API client). Access tokens name their session
 * (`sid`), so revoking a session ends its tokens on the next request. Refresh
 * tokens are stored only as SHA-256 hashes and start with the session id, so a
 * refresh is an `_id` lookup (cheap on FerretDB) rather than a scan on the hash.
 */
const sessionSchema = new Schema(
  {
    staff: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
    /** The staff member's tokenVersion at login: a bump ends the session too (refresh included). */
    tokenVersion: { type: Number, required: true },
    /** Absolute end of the session: refreshing does not extend it. */
    expiresAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    userAgent: { type: String, default: '', maxlength: 512 },
    ip: { type: String, default: '', maxlength: 64 },
    /** SHA-256 (hex) of the current refresh token's secret part. */
    refreshTokenHash: { type: String, required: true },
    /**
     * The token it replaced, and when: a tab racing another tab's refresh may still
     * present it for a few seconds; later than that, it is treated as stolen.
     */
    previousRefreshTokenHash: { type: String, default: null },
    rotatedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
sessionSchema.index({ staff: 1, revokedAt: 1 });
// No TTL indexes on FerretDB: a cleanup job deletes expired sessions by this index.
sessionSchema.index({ expiresAt: 1 });
// …and revoked ones a day after (housekeeping.ts).
sessionSchema.index({ revokedAt: 1 });

export type Session = InferSchemaType<typeof sessionSchema>;
export type SessionDoc = HydratedDocument<Session>;
export const SessionModel = model('Session', sessionSchema);
