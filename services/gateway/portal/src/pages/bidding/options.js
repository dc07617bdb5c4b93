// The enumerations the tender pages filter by, in the API's spelling (their names in the user's language come from term()).
export const TYPES = ["text-classification", "image-classification", "audio-classification", "bounding-boxes", "text-spans", "transcription", "llm-sft", "reward-ranking", "rubric-evaluation"];
export const INDUSTRIES = ["medical", "autonomous-driving", "industrial-inspection", "geographic", "finance", "education", "culture-media", "other"];
export const BID_STATUSES = ["live", "won", "lost", "withdrawn", "void"];
export const CONTRACT_STATUSES = ["active", "delivered", "accepted"];

/** A query string of the set values only. */
export function query(values) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== "" && v !== null && v !== undefined) p.set(k, v);
  return p.toString();
}
