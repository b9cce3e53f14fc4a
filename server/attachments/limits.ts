/** The attachment limits (from `config.attachments`) and how they are written in messages. */

export interface AttachmentLimits {
  /** How many files one message may carry. */
  maxFiles: number;
  /** The largest size of one file, in bytes. */
  maxBytes: number;
}

const MB = 1024 * 1024;

/** A size as people read it: "10 MB", "1.5 MB", "200 KB", "512 bytes" (binary units, as `ATTACHMENT_MAX_BYTES`). */
export function formatSize(bytes: number): string {
  if (bytes >= MB) return `${round(bytes / MB)} MB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}
