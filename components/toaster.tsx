"use client";

import { Toaster as Sonner } from "sonner";

/**
 * Where answers to actions appear when what was acted on is gone from the page (a lifted
 * suppression's row, a resumed pause's button): Sonner's toasts, announced politely.
 */
export function Toaster() {
  return <Sonner position="top-center" richColors closeButton duration={8_000} />;
}
