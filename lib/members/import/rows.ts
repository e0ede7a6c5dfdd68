/** An import's rows as stored between upload and commit, and the types its pages and routes share. */
import { gunzipSync, gzipSync } from "node:zlib";
import type { ImportMode, ImportSummary, ValidatedRow } from "./validate";

/** A row as checked, with the address as it was written (or as a fix rewrote it). */
export type ImportRow = ValidatedRow & { rawEmail: string; fixed?: true };

export type StoredRows = {
  headers: string[];
  unknownColumns: string[];
  encoding: string | null;
  rows: ImportRow[];
  /** Rows whose cells had invisible control characters, removed on reading (the preview says so). */
  cleanedLines?: number[];
};

export type ImportStatus = "previewed" | "committed" | "discarded";

export type ImportRecord = {
  id: string;
  fileName: string;
  format: string;
  mode: ImportMode;
  status: ImportStatus;
  rowCount: number;
  summary: ImportSummary;
  result: CommitSummary | null;
  createdAt: Date;
  committedAt: Date | null;
  /** Another import of this tenant with the same bytes that was committed, if any. */
  sameFileCommittedAt: Date | null;
};

export type CommitSummary = {
  created: number;
  updated: number;
  unchanged: number;
  invitations: number;
  activationCodes: number;
  skipped: number;
  batchId: string | null;
  /** When retention dropped the file's rows (lib/members/import/retention.ts). */
  rowsDroppedAt?: string;
};

/** Progress for long uploads and commits: a phase and, where it is known, how far it is. */
export type Progress = { phase: string; done?: number; total?: number };
export type OnProgress = (progress: Progress) => void;

export function packRows(stored: StoredRows): Buffer {
  return gzipSync(JSON.stringify(stored), { level: 1 });
}

export function unpackRows(packed: Buffer): StoredRows {
  return JSON.parse(gunzipSync(packed).toString("utf8")) as StoredRows;
}

const IMPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path segment can name an import (anything else is simply not found). */
export const isImportId = (id: string) => IMPORT_ID.test(id);
