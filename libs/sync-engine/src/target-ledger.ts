import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TagVerification } from '@ferry/contracts';

/** What Ferry last wrote to one target tag: the upstream digest it copied and the target digest it pushed. */
export interface LedgerEntry {
  source: string;
  target: string;
  /**
   * How it was copied ({@link copyProfile}): the same upstream digest copied with another
   * platform filter gives another target, so an entry only vouches for runs with its profile.
   */
  profile: string;
  /** The trust-policy check the tag passed when written (a mirror that verifies): carried onto a tag found unchanged. */
  verification?: TagVerification;
}

/**
 * The settings that decide which target digest an upstream digest becomes, and the trust policy
 * it passed: an entry written under another policy does not vouch for a tag, so a changed policy
 * re-verifies every tag at the next run.
 */
export function copyProfile(req: { architectureFilter?: string[]; indexMode?: string; trustPolicy?: { version: string } | null }): string {
  const platforms = [...(req.architectureFilter ?? [])].map((p) => p.trim().toLowerCase()).filter(Boolean).sort();
  const copied = platforms.length === 0 ? 'all-platforms' : `platforms=${platforms.join(',')};index=${req.indexMode ?? 'rewrite'}`;
  return req.trustPolicy ? `${copied};trust=${req.trustPolicy.version}` : copied;
}

/**
 * A record of what Ferry wrote into one target repository. When it says a tag holds the digest
 * the upstream still has, the tag is unchanged without asking the target: one request per tag.
 * A periodic run with `verifyTarget` checks both sides and repairs drift.
 */
export interface TargetLedger {
  get(tag: string): LedgerEntry | undefined;
  set(tag: string, entry: LedgerEntry): void;
  delete(tag: string): void;
  /** When the last run that checked every tag on the target began (ISO-8601), or null. */
  readonly targetCheckedAt: string | null;
  markTargetChecked(at: string): void;
  /** Persists what changed; called once at the end of a run. */
  flush(): Promise<void>;
}

/** A ledger held in memory (tests, one process running several syncs). */
export class MemoryLedger implements TargetLedger {
  readonly entries = new Map<string, LedgerEntry>();
  targetCheckedAt: string | null = null;
  get(tag: string): LedgerEntry | undefined {
    return this.entries.get(tag);
  }
  set(tag: string, entry: LedgerEntry): void {
    this.entries.set(tag, entry);
  }
  delete(tag: string): void {
    this.entries.delete(tag);
  }
  markTargetChecked(at: string): void {
    this.targetCheckedAt = at;
  }
  async flush(): Promise<void> {}
}

interface TargetRecord {
  targetCheckedAt: string | null;
  tags: Record<string, LedgerEntry>;
}

/** The state file: version 2 (files of other versions are read as empty: the next run checks everything). */
interface LedgerFile {
  version: 2;
  targets: Record<string, TargetRecord>;
}

/**
 * A ledger in a JSON file shared by several targets, each under its key (registry URL and
 * repository), written atomically (temp file and rename) at flush.
 */
export class FileLedger extends MemoryLedger {
  private constructor(
    private readonly path: string,
    private readonly key: string,
  ) {
    super();
  }

  static async open(path: string, key: string): Promise<FileLedger> {
    const ledger = new FileLedger(path, key);
    const record = (await FileLedger.read(path)).targets[key];
    for (const [tag, entry] of Object.entries(record?.tags ?? {})) ledger.entries.set(tag, entry);
    ledger.targetCheckedAt = record?.targetCheckedAt ?? null;
    return ledger;
  }

  private static async read(path: string): Promise<LedgerFile> {
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LedgerFile>;
      return parsed.version === 2 && parsed.targets ? (parsed as LedgerFile) : { version: 2, targets: {} };
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return { version: 2, targets: {} };
      throw error;
    }
  }

  override async flush(): Promise<void> {
    const all = await FileLedger.read(this.path);
    all.targets[this.key] = { targetCheckedAt: this.targetCheckedAt, tags: Object.fromEntries(this.entries) };
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(all));
    await rename(tmp, this.path);
  }
}
